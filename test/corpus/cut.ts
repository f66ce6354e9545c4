// Cuts named top-level definitions out of real kernel files and turns the two cuts into the
// unified diff a reviewer would see. Nothing of the kernel is stored: the cuts are made at test
// (or bench) time from the Debian trees and written only to a temporary directory.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Span {
  /** Character offsets into the file text: [start, end). `end` is just after the closing line. */
  readonly start: number;
  readonly end: number;
}

interface TopLevelSymbol {
  readonly name: string;
  readonly span: Span;
}

const IDENT = /[A-Za-z0-9_]/;

/**
 * Every top-level definition of a C file, in file order: functions (`name(...) {...}`) and
 * initialised objects (`name = {...};`, `name[] = {...};`). Braces, parentheses and names are only
 * read outside comments, string and character literals and preprocessor lines.
 */
export function topLevelSymbols(text: string): TopLevelSymbol[] {
  // Pass 1: a mask of the characters that are code (not comment, literal or preprocessor line).
  const code = new Uint8Array(text.length);
  let i = 0;
  let lineStart = true;
  while (i < text.length) {
    const c = text[i];
    if (lineStart && /[ \t]/.test(c)) { i++; continue; }
    if (lineStart && c === '#') {
      // Preprocessor line, with backslash continuations (comments inside are skipped too).
      while (i < text.length && text[i] !== '\n') {
        if (text[i] === '\\' && text[i + 1] === '\n') i += 2;
        else if (text.startsWith('/*', i)) { const e = text.indexOf('*/', i + 2); i = e < 0 ? text.length : e + 2; }
        else i++;
      }
      continue;
    }
    lineStart = false;
    if (c === '\n') { lineStart = true; code[i] = 1; i++; continue; }
    if (text.startsWith('//', i)) { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (text.startsWith('/*', i)) { const e = text.indexOf('*/', i + 2); i = e < 0 ? text.length : e + 2; continue; }
    if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    code[i] = 1;
    i++;
  }

  // Pass 2: walk the code characters, tracking depth; at depth 0 remember the last identifier and
  // where the current declaration started.
  const out: TopLevelSymbol[] = [];
  let depth = 0;
  let declStart = -1; // offset of the first code character of the current top-level declaration
  let lastIdent = '';
  let nameBeforeParen = '';
  let parenDepth = 0;
  let sawParams = false;
  let sawAssign = false;
  for (let p = 0; p < text.length; p++) {
    if (!code[p]) continue;
    const c = text[p];
    if (depth === 0 && parenDepth === 0 && declStart < 0 && !/\s/.test(c)) declStart = p;
    if (IDENT.test(c)) {
      let q = p;
      while (q < text.length && code[q] && IDENT.test(text[q])) q++;
      if (depth === 0 && parenDepth === 0) lastIdent = text.slice(p, q);
      p = q - 1;
      continue;
    }
    if (c === '(') {
      if (depth === 0 && parenDepth === 0 && !sawParams && !sawAssign) nameBeforeParen = lastIdent;
      if (depth === 0) parenDepth++;
      continue;
    }
    if (c === ')') {
      if (depth === 0 && parenDepth > 0 && --parenDepth === 0) sawParams = true;
      continue;
    }
    if (depth === 0 && parenDepth === 0 && c === '=') { if (!sawAssign && !sawParams) nameBeforeParen = lastIdent; sawAssign = true; continue; }
    if (c === '{') {
      if (depth === 0 && parenDepth === 0) {
        const close = matchBrace(text, code, p);
        if (close < 0) break;
        const isFunction = sawParams && !sawAssign;
        let end = close + 1;
        if (sawAssign) {
          // `name = { ... };` — include the semicolon.
          while (end < text.length && (!code[end] || /\s/.test(text[end]))) end++;
          if (text[end] === ';') end++;
        }
        const name = nameBeforeParen;
        if ((isFunction || sawAssign) && name && declStart >= 0) {
          out.push({ name, span: { start: lineBegin(text, declStart), end: lineEnd(text, end) } });
        }
        p = end - 1;
        if (!isFunction && !sawAssign) p = close; // struct/enum/union body: keep reading to its ';'
        if (isFunction || sawAssign) reset();
        continue;
      }
      depth++;
      continue;
    }
    if (c === '}') { if (depth > 0) depth--; continue; }
    if (c === ';' && depth === 0 && parenDepth === 0) reset();
  }
  return out;

  function reset(): void {
    declStart = -1;
    lastIdent = '';
    nameBeforeParen = '';
    sawParams = false;
    sawAssign = false;
  }
}

function matchBrace(text: string, code: Uint8Array, open: number): number {
  let d = 0;
  for (let p = open; p < text.length; p++) {
    if (!code[p]) continue;
    if (text[p] === '{') d++;
    else if (text[p] === '}' && --d === 0) return p;
  }
  return -1;
}

function lineBegin(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

function lineEnd(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  return nl < 0 ? text.length : nl + 1;
}

/**
 * The text of the named definitions, in file order, separated by one blank line.
 * A name may end in `#N` to take its N-th definition (1-based), for functions defined once per
 * `#ifdef` branch. Returns the missing names instead of throwing.
 */
export function cutSymbols(text: string, names: readonly string[]): { text: string; missing: string[] } {
  const all = topLevelSymbols(text);
  const picked: Span[] = [];
  const missing: string[] = [];
  for (const spec of names) {
    const [name, nth] = spec.split('#');
    const found = all.filter((s) => s.name === name)[nth ? Number(nth) - 1 : 0];
    if (found) picked.push(found.span);
    else missing.push(spec);
  }
  picked.sort((a, b) => a.start - b.start);
  return { text: picked.map((s) => text.slice(s.start, s.end)).join('\n'), missing };
}

/** One side of a file change: a kernel path and the definitions taken from it. */
export interface Side {
  readonly path: string;
  readonly symbols: readonly string[];
}

export interface FileChange {
  readonly old: Side;
  readonly new: Side;
}

/**
 * Unified diff (git format, a/ and b/ prefixes naming the kernel path) between the cut
 * definitions of the old tree and the new tree, one file section per change, with `context`
 * lines of context (git's default 3).
 */
export function makeDiff(oldTree: string, newTree: string, changes: readonly FileChange[], context = 3): { diff: string; missing: string[] } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pageref-corpus-'));
  const missing: string[] = [];
  let diff = '';
  try {
    for (const [n, ch] of changes.entries()) {
      const sides = (['old', 'new'] as const).map((side) => {
        const s = ch[side];
        const file = path.join(side === 'old' ? oldTree : newTree, s.path);
        let text = '';
        if (s.symbols.length > 0) {
          const cut = cutSymbols(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '', s.symbols);
          missing.push(...cut.missing.map((m) => `${side === 'old' ? 'old' : 'new'} ${s.path}: ${m}`));
          text = cut.text;
        }
        const rel = path.join(side === 'old' ? 'a' : 'b', s.path);
        const abs = path.join(tmp, String(n), rel);
        fs.mkdirSync(path.dirname(abs), { recursive: true });
        fs.writeFileSync(abs, text);
        return rel;
      });
      // Run inside the change's folder with --no-prefix: the names git prints are then exactly
      // "a/<kernel path>" and "b/<kernel path>".
      const r = spawnSync('git', ['-c', 'core.quotepath=false', 'diff', '--no-index', '--no-prefix', '--no-color', '--no-ext-diff', `-U${context}`, '--', ...sides],
        { cwd: path.join(tmp, String(n)), encoding: 'utf8', maxBuffer: 1 << 28 });
      if (r.status !== 0 && r.status !== 1) throw new Error(`git diff --no-index failed: ${r.stderr}`);
      diff += r.stdout;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { diff, missing };
}
