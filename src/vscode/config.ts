// The one owner of the `pageref.*` settings on the client side. The server reads them all (the
// client forwards the section on every change); the extension itself only writes the era.
import * as vscode from 'vscode';
import { DEFAULT_SETTINGS, type ServerSettings } from '../shared/protocol';
import { SECTION } from './manifest';

export const config = {
  /** The section as the server takes it (initializationOptions and didChangeConfiguration). */
  settings(): Partial<ServerSettings> {
    const c = vscode.workspace.getConfiguration(SECTION);
    return Object.fromEntries(Object.keys(DEFAULT_SETTINGS).flatMap((k) => (c.get(k) === undefined ? [] : [[k, c.get(k)]])));
  },
  era(): string {
    return vscode.workspace.getConfiguration(SECTION).get<string>('era', 'auto').trim() || 'auto';
  },
  async setEra(value: string): Promise<void> {
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration(SECTION).update('era', value, target);
  },
};
