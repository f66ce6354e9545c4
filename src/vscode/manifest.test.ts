// Checks that package.json's contributions and the extension's tables agree (no vscode needed:
// manifest.ts is plain data), so a renamed command or setting cannot silently go dead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_SETTINGS, SERVER_COMMANDS } from '../shared/protocol';
import { ACTIVE_CONTEXT, COMMANDS, MAIL_LANGUAGE, PATCH_LANGUAGES, SECTION, SERIES_VIEW } from './manifest';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

test('activation is limited to the patch languages (commands and views activate implicitly)', () => {
  assert.deepEqual(manifest.activationEvents, PATCH_LANGUAGES.map((l) => `onLanguage:${l}`));
  assert.deepEqual(manifest.contributes.languages.map((l: { id: string }) => l.id), [MAIL_LANGUAGE]);
  assert.deepEqual(manifest.contributes.languages[0].extensions, ['.mbox', '.eml']);
});

test('the mail language declares brackets (VS Code bounds its bracket search in time only when a language has them), without auto-closing', () => {
  // Without brackets, the editor's bracket matching scanned a 40 MB mbox to its end after every
  // keystroke (~180 ms of the renderer each time, measured in the end-to-end test's trace).
  const file = manifest.contributes.languages[0].configuration as string;
  assert.ok(file, 'no language configuration for the mail language');
  const conf = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
  assert.deepEqual(conf.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
  // Typing in a mail stays as it was: no auto-closed brackets, no bracket colours.
  assert.deepEqual(conf.autoClosingPairs, []);
  assert.deepEqual(conf.colorizedBracketPairs, []);
  assert.match(file, /^\.\/media\/[^/]+\.language-configuration\.json$/);
  assert.ok(fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n').includes('!media/*.language-configuration.json'), `${file} is not packaged`);
});

test('the contributed commands are the command table, with its titles, in the PageRef category', () => {
  const contributed = manifest.contributes.commands.map((c: { command: string; title: string; category: string }) => ({ id: c.command, title: c.title, category: c.category }));
  assert.deepEqual(contributed, Object.values(COMMANDS).map((c) => ({ ...c, category: 'PageRef' })));
  // The server's commands are run through the client, never from the palette: distinct ids.
  for (const id of Object.values(SERVER_COMMANDS)) assert.ok(!contributed.some((c: { id: string }) => c.id === id), id);
});

test('the contributed settings are the server settings, with the same defaults', () => {
  const props = manifest.contributes.configuration.properties as Record<string, { default: unknown }>;
  assert.deepEqual(Object.keys(props).sort(), Object.keys(DEFAULT_SETTINGS).map((k) => `${SECTION}.${k}`).sort());
  for (const [k, v] of Object.entries(DEFAULT_SETTINGS)) assert.deepEqual(props[`${SECTION}.${k}`].default, v, k);
});

test('the series view is contributed, shown once the extension is active', () => {
  assert.equal(manifest.contributes.views.explorer[0].id, SERIES_VIEW);
  assert.equal(manifest.contributes.views.explorer[0].when, ACTIVE_CONTEXT);
  assert.ok(manifest.contributes.menus['view/title'].every((m: { when: string }) => m.when === `view == ${SERIES_VIEW}`));
});

test('the installed package holds the language server and the rule documentation the diagnostics link to', () => {
  const ignore = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n');
  for (const f of ['!dist/extension.js', '!dist/lsp.js', '!dist/*.wasm', '!src/core/rules/*/README.md']) assert.ok(ignore.includes(f), f);
});
