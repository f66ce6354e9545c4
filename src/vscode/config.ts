// Typed access to the `pageref.*` settings, and which of them require a new analysis.
import * as vscode from 'vscode';
import type { Severity } from '../core';
import { looksLikeKernelTree } from '../node/kernel-tree';

const SECTION = 'pageref';

export const config = {
  /** 'auto', E0-E5 or a kernel version string; the core validates it. */
  era(): string {
    return vscode.workspace.getConfiguration(SECTION).get<string>('era', 'auto').trim() || 'auto';
  },
  /** The kernel tree to read whole functions from: the setting, else a workspace folder that looks like one. */
  kernelTree(): string | undefined {
    const set = vscode.workspace.getConfiguration(SECTION).get<string>('kernelTree', '').trim();
    if (set) return set;
    return vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath).find(looksLikeKernelTree);
  },
  minimumSeverity(): Severity {
    return vscode.workspace.getConfiguration(SECTION).get<Severity>('minimumSeverity', 'info');
  },
  inlineAnnotations(): boolean {
    return vscode.workspace.getConfiguration(SECTION).get<boolean>('inlineAnnotations', true);
  },
  async setEra(value: string): Promise<void> {
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration(SECTION).update('era', value, target);
  },
};

/** Settings whose change invalidates every report (the others only change how reports are shown). */
export const REANALYSE_ON = ['pageref.era', 'pageref.kernelTree'];
