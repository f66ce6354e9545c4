// The extension's contributions as data: command ids with their titles, the view, and the
// languages. The code registers from here and manifest.test.ts checks package.json against it.
// No vscode import: the test reads it under plain Node.

export const COMMANDS = {
  simulateHunk: { id: 'pageref.simulateHunk', title: 'Simulate this hunk' },
  simulateSeries: { id: 'pageref.simulateSeries', title: 'Simulate series' },
  chooseEra: { id: 'pageref.chooseEra', title: 'Choose kernel era' },
  exportSarif: { id: 'pageref.exportSarif', title: 'Export SARIF' },
  draftReply: { id: 'pageref.draftReply', title: 'Draft review reply' },
  reveal: { id: 'pageref.reveal', title: 'Reveal in editor' },
} as const;

export type CommandName = keyof typeof COMMANDS;

/** The configuration section; its keys are the server's settings (src/shared/protocol.ts). */
export const SECTION = 'pageref';
export const SERIES_VIEW = 'pageref.series';
/** Context key that shows the series view once the extension is active. */
export const ACTIVE_CONTEXT = 'pageref.active';

/** VS Code's built-in language of .patch/.diff files, and ours for mail (.mbox, .eml, format-patch text). */
export const MAIL_LANGUAGE = 'patch-mail';
export const PATCH_LANGUAGES = ['diff', MAIL_LANGUAGE] as const;
export const FORMAT_PATCH_FIRST_LINE = /^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001/;
