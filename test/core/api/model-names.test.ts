// Every function the domain model names in its mapping, FS DAX idle, pgmap and function tables
// (refcount-model.md sections 3, 5, 6, 10) has an API_TABLE entry. Read at test time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { API_TABLE, API_NAMES } from '../../../src/core/api';
import { SHARED } from '../../helpers/inputs';

const MODEL = path.join(SHARED, 'design', 'refcount-model.md');
const needModel = fs.existsSync(MODEL) ? false : `needs ${MODEL}`;

// Backticked tokens in those sections that are not kernel functions.
const NOT_FUNCTIONS = new Set([
  'inc', 'dec', 'add', 'sub_return', 'sub_and_test', 'count', // suffixes of `page_ref_*` / `folio_ref_*`
  'mapping', 'index', 'share', 'pgmap', 'zone_device_data', // struct page/folio fields
  'order', // the argument in `1 << order`
  'page', // `page && page_ref_count(page) == 0`, an expression
  'PFN_DEV', 'GUP_PIN_COUNTING_BIAS', 'DAX_ZERO_PAGE', // constants
]);

/** Sections 3, 5, 6 and 10 of the model: text from "## N." to the next "## ". */
function sections(md: string, numbers: readonly number[]): string {
  return md
    .split(/^(?=## )/m)
    .filter((s) => numbers.some((n) => s.startsWith(`## ${n}.`)))
    .join('\n');
}

/** Leading identifier of each backticked token; a trailing `*` makes it a prefix ("gup_fast_*"). */
function namedFunctions(text: string): { name: string; prefix: boolean }[] {
  const out = new Map<string, boolean>();
  for (const m of text.matchAll(/`([^`]+)`/g)) {
    const id = /^([A-Za-z_]\w*)(\*)?/.exec(m[1]!);
    if (id && !NOT_FUNCTIONS.has(id[1]!)) out.set(id[1]!, id[2] === '*' || id[1]!.endsWith('_'));
  }
  return [...out].map(([name, prefix]) => ({ name, prefix }));
}

test('the function-name extraction handles the model\'s forms', () => {
  assert.deepEqual(namedFunctions('`gup_fast_*` `put_page()` `dax_layout_busy_page(_range)()` `migrate_vma_*` `->page_free` `1 << order`'), [
    { name: 'gup_fast_', prefix: true },
    { name: 'put_page', prefix: false },
    { name: 'dax_layout_busy_page', prefix: false },
    { name: 'migrate_vma_', prefix: true },
  ]);
});

test('every function named in refcount-model.md sections 3, 5, 6 and 10 is in API_TABLE', { skip: needModel }, () => {
  const names = namedFunctions(sections(fs.readFileSync(MODEL, 'utf8'), [3, 5, 6, 10]));
  assert.ok(names.length > 80, `expected many names, found ${names.length}`);
  const missing = names.filter(({ name, prefix }) => (prefix ? !API_TABLE.some((e) => e.name.startsWith(name)) : !API_NAMES.has(name)));
  assert.deepEqual(missing.map((m) => m.name), []);
});
