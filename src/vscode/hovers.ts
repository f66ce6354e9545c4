// Hover on a recognised kernel call inside a hunk: the API table's account of the function in the
// review's era, and the page's refcount history up to the call, before vs after the patch.
import * as vscode from 'vscode';
import { PGMAP_TYPES } from '../core';
import { apiEntry, effectFor } from '../core/api';
import { callHoverMarkdown } from '../shared/hover-markdown';
import { PATCH_SELECTOR, type Analysis } from './analysis';

export function activate(ctx: vscode.ExtensionContext, analysis: Analysis): void {
  const provider: vscode.HoverProvider = {
    async provideHover(doc, pos) {
      const a = await analysis.get(doc);
      const at = a && analysis.hunkAt(a, pos.line);
      const call = at?.hunk.calls.find((c) => c.line === pos.line && c.character <= pos.character && pos.character <= c.character + c.callee.length);
      if (!a || !at || !call) return undefined;
      const entry = apiEntry(call.callee);
      const era = a.report.era;
      const sim = await analysis.simulate(doc, at.number);
      const markdown = callHoverMarkdown({
        callee: call.callee,
        entry,
        era,
        effects: PGMAP_TYPES.map((type) => ({ type, effect: entry && effectFor(entry, era, type) })),
        traces: 'error' in sim ? undefined : sim.traces,
        line: call.line,
      });
      const range = new vscode.Range(call.line, call.character, call.line, call.character + call.callee.length);
      return new vscode.Hover(new vscode.MarkdownString(markdown), range);
    },
  };
  ctx.subscriptions.push(vscode.languages.registerHoverProvider(PATCH_SELECTOR, provider));
}
