// Checks that package.json's contributions and the extension's code agree (no vscode needed:
// both are read as text), so a renamed command or setting cannot silently go dead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const dir = path.join(root, 'src', 'vscode');
const source = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');

test('activation is limited to the patch languages (commands and views activate implicitly)', () => {
  assert.deepEqual(manifest.activationEvents, ['onLanguage:diff', 'onLanguage:patch-mail']);
  assert.deepEqual(manifest.contributes.languages.map((l: { id: string }) => l.id), ['patch-mail']);
  assert.deepEqual(manifest.contributes.languages[0].extensions, ['.mbox', '.eml']);
  assert.match(source, /language: 'diff' \}, \{ language: MAIL_LANGUAGE/);
  assert.match(source, /const MAIL_LANGUAGE = 'patch-mail'/);
});

test('every contributed command is registered, in the PageRef category, and every registered one is contributed', () => {
  const contributed = manifest.contributes.commands.map((c: { command: string; category: string }) => {
    assert.equal(c.category, 'PageRef', c.command);
    return c.command;
  }).sort();
  const registered = [...source.matchAll(/'(pageref\.[A-Za-z]+)': async/g)].map((m) => m[1]).sort();
  assert.deepEqual(registered, contributed);
});

test('every setting the code reads is contributed, and every contributed setting is read', () => {
  const contributed = Object.keys(manifest.contributes.configuration.properties).sort();
  const config = fs.readFileSync(path.join(dir, 'config.ts'), 'utf8');
  const read = [...config.matchAll(/get<[^>]+>\('([A-Za-z]+)'/g)].map((m) => `pageref.${m[1]}`).sort();
  assert.deepEqual(read, contributed);
});

test('views, colours and webview ids used in code are contributed', () => {
  assert.match(source, /createTreeView\('pageref\.series'/);
  assert.equal(manifest.contributes.views.explorer[0].id, 'pageref.series');
  assert.match(source, /ThemeColor\('pageref\.annotationForeground'\)/);
  assert.equal(manifest.contributes.colors[0].id, 'pageref.annotationForeground');
  assert.match(source, /setContext', 'pageref\.active'/);
  assert.equal(manifest.contributes.views.explorer[0].when, 'pageref.active');
});
