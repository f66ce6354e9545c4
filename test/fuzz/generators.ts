// Inputs for the bad-input campaign, shared by the fuzz tests and bench/campaign.mjs.
// Every generator is a pure function of a seed (and of the base documents it mutates), so a
// failing case is reproduced from its name. The C in the generated bases is written here.

export const CATEGORIES = [
  'truncate', 'byte-flip', 'nul', 'line-endings', 'encoding', 'long-line', 'tiny-hunks', 'mbox-1000',
  'braces', 'unterminated', 'if0', 'lying-header', 'deep-nesting', 'switch-10000', 'macro-soup', 'garbage-neighbour',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** A file of the input whose diff is well-formed: the review must list it with this call. */
export interface Intact {
  readonly path: string;
  readonly callee: string;
}

export interface Case {
  readonly category: Category;
  /** Category, seed and what was done: enough to make the case again. */
  readonly name: string;
  readonly content: string | Uint8Array;
  /** The diff structure is broken (a hunk shorter than its header says, a garbage hunk): `problems` must say so. */
  readonly malformed: boolean;
  readonly intact: readonly Intact[];
}

/** A document to mutate; `intact` lists what a mutation that spares it must still be reviewed. */
export interface Base {
  readonly name: string;
  readonly text: string;
  readonly intact: readonly Intact[];
}

export type Rng = () => number;

/** mulberry32: small, fast, and the same sequence on every machine. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

// ---------------------------------------------------------------------------------------------
// Builders of well-formed diffs, mails and mboxes.

export type DiffLine = readonly [' ' | '+' | '-', string];

/** A hunk with the counts its lines imply. */
export function hunk(oldStart: number, newStart: number, fn: string, lines: readonly DiffLine[]): string {
  const oldCount = lines.filter(([k]) => k !== '+').length;
  const newCount = lines.filter(([k]) => k !== '-').length;
  return `@@ -${oldStart},${oldCount} +${newStart},${newCount} @@${fn ? ` ${fn}` : ''}\n` + lines.map(([k, t]) => `${k}${t}\n`).join('');
}

export function fileDiff(path: string, hunks: readonly string[]): string {
  return `diff --git a/${path} b/${path}\nindex 1111111..2222222 100644\n--- a/${path}\n+++ b/${path}\n` + hunks.join('');
}

export function mail(index: number, total: number, subject: string, body: string, diff: string, from = 'Fuzz Author <fuzz@example.org>'): string {
  return (
    `From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\nFrom: ${from}\n` +
    `Date: Sat, 1 Nov 2025 12:00:00 +0000\nSubject: [PATCH ${index}/${total}] ${subject}\n\n${body}\n\n` +
    `Signed-off-by: ${from}\n---\n${diff}-- \n2.39.5\n\n`
  );
}

/** Function bodies of our own, each with one call the review must recognise. */
const SNIPPETS: readonly { fn: string; callee: string; lines: readonly DiffLine[] }[] = [
  {
    fn: 'static void demo_page_free(struct page *page)', callee: 'put_dev_pagemap',
    lines: [[' ', '{'], [' ', '\tstruct dev_pagemap *pgmap = page->pgmap;'], [' ', ''], ['-', '\tpage->zone_device_data = NULL;'],
      ['+', '\t/* give the page back: \u00e9t\u00e9 */'], ['+', '\tput_dev_pagemap(pgmap);'], [' ', '\tdemo_free_list_add(page);'], [' ', '}']],
  },
  {
    fn: 'static struct page *demo_alloc(struct demo_dev *dd)', callee: 'zone_device_page_init',
    lines: [[' ', '\tpage = demo_take_free_page(dd);'], [' ', '\tif (!page)'], [' ', '\t\treturn NULL;'], ['-', '\tget_page(page);'],
      ['-', '\tlock_page(page);'], ['+', '\tzone_device_page_init(page);'], [' ', '\treturn page;'], [' ', '}']],
  },
  {
    fn: 'static void demo_release(struct demo_dev *dd, struct page *page)', callee: 'put_page',
    lines: [[' ', '{'], [' ', '\tif (page->pgmap->type == MEMORY_DEVICE_PRIVATE) {'], ['+', '\t\tdemo_unmap(dd, page);'],
      [' ', '\t\tput_page(page);'], [' ', '\t\treturn;'], [' ', '\t}'], ['-', '\tput_page(page);'], ['+', '\tfolio_put(page_folio(page));'], [' ', '}']],
  },
  {
    fn: 'static vm_fault_t demo_fault(struct vm_fault *vmf)', callee: 'vmf_insert_mixed',
    lines: [[' ', '{'], [' ', '\tpfn_t pfn = demo_pfn(vmf);'], [' ', ''], ['+', '\tif (!pfn_t_valid(pfn))'], ['+', '\t\treturn VM_FAULT_SIGBUS;'],
      [' ', '\treturn vmf_insert_mixed(vmf->vma, vmf->address, pfn);'], [' ', '}']],
  },
];
const PATHS = ['mm/memremap.c', 'drivers/dax/device.c', 'mm/hmm.c', 'drivers/gpu/drm/nouveau/nouveau_dmem.c', 'lib/test_hmm.c'];

/** One file diff of a snippet, at a line number of the seed's choosing. */
function snippetFile(r: Rng, path: string): { diff: string; intact: Intact } {
  const s = pick(r, SNIPPETS);
  const start = int(r, 1, 3000);
  const h1 = hunk(start, start, s.fn, s.lines);
  const t = pick(r, SNIPPETS);
  const h2 = hunk(start + 200, start + 201, t.fn, t.lines);
  return { diff: fileDiff(path, [h1, h2]), intact: { path, callee: s.callee } };
}

/** A generated two- or three-file patch mail: the base every mutation can use. */
export function generatedBase(seed: number): Base {
  const r = rng(seed);
  const paths = [...PATHS].sort(() => r() - 0.5).slice(0, int(r, 2, 3));
  const files = paths.map((p) => snippetFile(r, p));
  const text = mail(1, 1, `mm/memremap: demo change ${seed}`, 'Fix the refcount of device pages, written by J\u00e9r\u00f4me.', files.map((f) => f.diff).join(''));
  return { name: `generated-${seed}`, text, intact: files.map((f) => f.intact) };
}

// ---------------------------------------------------------------------------------------------
// Finding hunks in a text (for truncation), by the counts in their headers.

export interface HunkSpan {
  /** Offsets: header start, body start (after the header's newline), end (after the last line). */
  readonly header: number;
  readonly body: number;
  readonly end: number;
  readonly bodyLines: number;
  /** Offset where the file diff holding the hunk starts. */
  readonly file: number;
}

export function hunkSpans(text: string): HunkSpan[] {
  const spans: HunkSpan[] = [];
  const re = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@.*$/gm;
  let file = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const fileAt = text.lastIndexOf('\ndiff --git ', m.index);
    if (fileAt >= 0) file = fileAt + 1;
    let oldLeft = Number(m[1] ?? 1);
    let newLeft = Number(m[2] ?? 1);
    const body = m.index + m[0].length + 1;
    let at = body;
    let lines = 0;
    while ((oldLeft > 0 || newLeft > 0) && at < text.length) {
      const eol = text.indexOf('\n', at);
      const line = text.slice(at, eol < 0 ? text.length : eol);
      if (line.startsWith('-')) oldLeft--;
      else if (line.startsWith('+')) newLeft--;
      else if (line.startsWith(' ') || line === '') { oldLeft--; newLeft--; }
      else if (!line.startsWith('\\')) break;
      lines++;
      at = eol < 0 ? text.length : eol + 1;
    }
    if (oldLeft <= 0 && newLeft <= 0) spans.push({ header: m.index, body, end: at, bodyLines: lines, file });
  }
  return spans;
}

/** The text cut at `cut` (a UTF-16 offset inside or at the edge of `span`), as a case. */
export function truncation(base: Base, span: HunkSpan, cut: number): Case {
  const text = base.text.slice(0, cut);
  const body = cut > span.body ? base.text.slice(span.body, cut) : '';
  const present = body === '' ? 0 : body.split('\n').length - (body.endsWith('\n') ? 1 : 0);
  // Files that start before the cut hunk's file are untouched.
  const intact = base.intact.filter((i) => {
    const at = base.text.indexOf(`diff --git a/${i.path} `);
    return at >= 0 && at < span.file;
  });
  return { category: 'truncate', name: `truncate ${base.name} at ${cut}`, content: text, malformed: cut > span.header && present < span.bodyLines, intact };
}

// ---------------------------------------------------------------------------------------------
// Byte-level helpers.

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
/** Latin-1 bytes of a text whose characters are all below U+0100. */
const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

const INVALID_UTF8: readonly number[][] = [[0xc3, 0x28], [0xff], [0xfe, 0xfe], [0xf0, 0x9f, 0x98], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80, 0x80, 0x80]];

function splice(bytes: Uint8Array, at: number, insert: readonly number[], remove = 0): Uint8Array {
  const out = new Uint8Array(bytes.length + insert.length - remove);
  out.set(bytes.subarray(0, at), 0);
  out.set(insert, at);
  out.set(bytes.subarray(at + remove), at + insert.length);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Generators of the categories. Mutations take a base; the others build their own input.

/** Added lines in a hunk of one snippet function, in a mail with an intact neighbour file. */
function withAddedLines(r: Rng, category: Category, what: string, added: readonly string[]): Case {
  const good = snippetFile(r, 'mm/memremap.c');
  const start = int(r, 1, 2000);
  const lines: DiffLine[] = [[' ', 'static int demo_weird(struct page *page)'], [' ', '{'], ...added.map((t): DiffLine => ['+', t]), [' ', '\treturn 0;'], [' ', '}']];
  const weird = fileDiff('mm/weird.c', [hunk(start, start, '', lines)]);
  const order = r() < 0.5;
  const text = mail(1, 1, `mm: ${what}`, `A patch with ${what}.`, order ? good.diff + weird : weird + good.diff);
  return { category, name: `${category} ${what}`, content: text, malformed: false, intact: [good.intact] };
}

function nested(r: Rng, depth: number): { what: string; lines: string[] } {
  const kind = pick(r, ['parens', 'blocks', 'ifs', 'ternary', 'unary', 'casts', 'calls']);
  switch (kind) {
    case 'parens': return { what: `${depth} nested parentheses`, lines: [`\tint x = ${'('.repeat(depth)}page_ref_count(page)${')'.repeat(depth)};`] };
    case 'blocks': return { what: `${depth} nested blocks`, lines: ['\t' + '{'.repeat(depth) + 'put_page(page);' + '}'.repeat(depth)] };
    case 'ifs': return { what: `${depth} nested ifs`, lines: ['\t' + 'if (page) '.repeat(depth) + 'put_page(page);'] };
    case 'ternary': return { what: `${depth} chained ternaries`, lines: [`\tint x = ${'page ? 1 : '.repeat(depth)}0;`] };
    case 'unary': return { what: `${depth} unary operators`, lines: [`\tint x = ${'!'.repeat(depth)}page_ref_count(page);`] };
    case 'casts': return { what: `${depth} casts`, lines: [`\tlong x = ${'(long)'.repeat(depth)}page;`] };
    default: return { what: `${depth} nested calls`, lines: [`\tput_page(${'compound_head('.repeat(depth)}page${')'.repeat(depth)});`] };
  }
}

const MACRO_SOUP: readonly string[] = [
  '#define demo_put(p) do { put_page(p); } while (0)',
  '#define DEMO_PASTE(a, b) a##b',
  '#define DEMO_STR(x) #x',
  '#define demo_multi(p) \\',
  '\tdo { \\',
  '\t\tget_page(p); \\',
  '\t} while (0)',
  '\tDEMO_PASTE(put_, page)(page);',
  '\tlist_for_each_entry(page, &head, lru) {',
  '\t\tdemo_put(page);',
  '\t}',
  'static DEFINE_STATIC_KEY_FALSE(demo_key);',
  'EXPORT_SYMBOL_GPL(demo_put);',
  '\t__acquires(&demo_lock) __releases(&demo_lock)',
  '\tif (IS_ENABLED(CONFIG_ZONE_DEVICE) && unlikely(folio_is_zone_device(folio)))',
  '\t\tput_page(',
  '#ifdef CONFIG_DEMO',
  '\t\t\tpage',
  '#else',
  '\t\t\tpage + 1',
  '#endif',
  '\t\t);',
  '\tfor_each_online_node(nid) scoped_guard(spinlock, &demo_lock) {',
  '\tVM_BUG_ON_PAGE(page_ref_count(page) != 1, page);',
  '\t__must_check static inline bool demo_try(struct page *page) __attribute__((unused));',
  '\tasm volatile("" ::: "memory");',
  '\t_Static_assert(sizeof(struct page) == 64, "size");',
  '\tint (*demo_fn)(struct page *) = (int (*)(struct page *))put_page;',
  '\tstruct demo d = { .page = page, .put = put_page, [3] = 1, };',
  '\tgoto *demo_labels[i];',
  '}',
  '{',
  ')',
  '#undef demo_put',
  '#pragma once',
  '\tDEMO_STR(put_page(page));',
];

/**
 * The generator of each category. `bases` are the documents mutations start from; `scale` (0-1]
 * shrinks the inputs whose size the brief fixes (1 MB line, 100,000 hunks, 1,000 messages,
 * 10,000 cases, nesting depth), so the campaign can see how time grows with size.
 */
export function generate(category: Category, seed: number, bases: readonly Base[], scale = 1): Case {
  const sized = (n: number): number => Math.max(1, Math.round(n * scale));
  const r = rng(seed * 7919 + CATEGORIES.indexOf(category));
  const base = pick(r, bases);
  switch (category) {
    case 'truncate': {
      const spans = hunkSpans(base.text);
      if (spans.length === 0) return { category, name: `truncate ${base.name} (no hunk) at ${seed}`, content: base.text.slice(0, int(r, 0, base.text.length)), malformed: false, intact: [] };
      const span = pick(r, spans);
      return truncation(base, span, int(r, span.header, span.end));
    }
    case 'byte-flip': {
      let bytes = utf8(base.text);
      const n = int(r, 1, 8);
      const where: number[] = [];
      for (let i = 0; i < n && bytes.length > 0; i++) {
        const at = int(r, 0, bytes.length - 1);
        bytes = splice(bytes, at, [bytes[at] ^ int(r, 1, 255)], 1);
        where.push(at);
      }
      return { category, name: `byte-flip ${base.name} at ${where.join(',')} (seed ${seed})`, content: bytes, malformed: false, intact: [] };
    }
    case 'nul': {
      let bytes = utf8(base.text);
      const n = int(r, 1, 5);
      for (let i = 0; i < n; i++) {
        const at = int(r, 0, bytes.length); // may be the end: then nothing is replaced
        bytes = splice(bytes, at, [0], r() < 0.5 && at < bytes.length ? 1 : 0);
      }
      return { category, name: `nul ${base.name} x${n} (seed ${seed})`, content: bytes, malformed: false, intact: [] };
    }
    case 'line-endings': {
      const mode = pick(r, ['crlf', 'mixed', 'cr']);
      const lines = base.text.split('\n');
      const eol = (): string => (mode === 'crlf' ? '\r\n' : mode === 'cr' ? '\r' : pick(r, ['\n', '\r\n', '\r']));
      const text = lines.map((l, i) => (i < lines.length - 1 ? l + eol() : l)).join('');
      // CRLF throughout is a mail as Windows tools write it: it must still be reviewed.
      return { category, name: `line-endings ${mode} ${base.name} (seed ${seed})`, content: text, malformed: false, intact: mode === 'crlf' ? base.intact : [] };
    }
    case 'encoding': {
      const mode = pick(r, ['latin1', 'invalid-utf8']);
      if (mode === 'latin1') {
        // Characters Latin-1 cannot hold become '?' (none of them is in the C of the bases).
        return { category, name: `encoding latin1 ${base.name}`, content: latin1(base.text.replace(/[^\u0000-\u00ff]/g, '?')), malformed: false, intact: base.intact };
      }
      // Invalid sequences go only into the text of comments and message lines (after "/* ",
      // " * ", "Fix ", "> " and before any "*/"), so the C stays whole.
      const lines = base.text.split('\n');
      const bytes: number[] = [];
      lines.forEach((l, i) => {
        const m = /^(\+\t\/\* |Fix | \* |> )/.exec(l);
        if (m) {
          const end = l.indexOf('*/');
          const at = int(r, m[0].length, end >= 0 ? end : l.length);
          bytes.push(...utf8(l.slice(0, at)), ...pick(r, INVALID_UTF8), ...utf8(l.slice(at)));
        } else bytes.push(...utf8(l));
        if (i < lines.length - 1) bytes.push(10);
      });
      return { category, name: `encoding invalid-utf8 ${base.name} (seed ${seed})`, content: Uint8Array.from(bytes), malformed: false, intact: base.intact };
    }
    case 'long-line': {
      const fills = { string: 'A', calls: 'put_page(p); ', identifier: 'x', spaces: ' ' } as const;
      const kind = pick(r, Object.keys(fills) as (keyof typeof fills)[]);
      const size = sized(1 << 20);
      const fill = fills[kind];
      const body = fill.repeat(Math.ceil(size / fill.length)).slice(0, size);
      const line = kind === 'string' ? `\tconst char *s = "${body}";` : kind === 'identifier' ? `\tint ${body} = 0;` : `\t${body}`;
      return withAddedLines(r, category, `a ${size}-byte line of ${kind}`, [line]);
    }
    case 'tiny-hunks': {
      const n = sized(100_000);
      const parts: string[] = [];
      for (let i = 0; i < n; i++) parts.push(`@@ -${i * 3 + 1},1 +${i * 3 + 1},1 @@\n-\ta${i}();\n+\tput_page(p${i});\n`);
      const good = snippetFile(r, 'mm/memremap.c');
      const text = good.diff + `diff --git a/mm/tiny.c b/mm/tiny.c\n--- a/mm/tiny.c\n+++ b/mm/tiny.c\n` + parts.join('');
      return { category, name: `tiny-hunks ${n}`, content: text, malformed: false, intact: [good.intact] };
    }
    case 'mbox-1000': {
      const n = sized(1000);
      const parts: string[] = [];
      const intact: Intact[] = [];
      for (let i = 1; i <= n; i++) {
        const f = snippetFile(r, `mm/demo${i}.c`);
        if (i === 1 || i === n) intact.push(f.intact);
        parts.push(mail(i, n, `mm: demo part ${i}`, `Part ${i} of the demo.`, f.diff));
      }
      return { category, name: `mbox-1000 (seed ${seed})`, content: parts.join(''), malformed: false, intact };
    }
    case 'braces': {
      const opens = int(r, 0, 40);
      const closes = int(r, 0, 40);
      const lines = [...Array(opens).fill('\tif (page) {'), '\tput_page(page);', ...Array(closes).fill('\t}')];
      return withAddedLines(r, category, `${opens} opening and ${closes} closing braces`, lines.sort(() => r() - 0.6));
    }
    case 'unterminated': {
      const lines = {
        comment: '\t/* never closed put_page(page);', string: '\tpr_info("never closed %p\\n, page);', char: "\tchar c = 'x;",
        'macro-continuation': '#define demo(p) put_page(p) \\', include: '#include <linux/mm.h',
      } as const;
      const kind = pick(r, Object.keys(lines) as (keyof typeof lines)[]);
      const line = lines[kind];
      return withAddedLines(r, category, `an unterminated ${kind}`, [line, '\tget_page(page);']);
    }
    case 'if0': {
      const closed = r() < 0.5;
      const depth = int(r, 1, 5);
      const lines = [...Array.from({ length: depth }, (_, i) => (i === 0 ? '#if 0' : '#ifdef CONFIG_DEMO')), '\tput_page(page);', '#else', '\tget_page(page);',
        ...(closed ? Array(depth).fill('#endif') : [])];
      return withAddedLines(r, category, `#if 0 nested ${depth} deep, ${closed ? 'closed' : 'never closed'}`, lines);
    }
    case 'lying-header': {
      const g = generatedBase(seed);
      const spans = hunkSpans(g.text);
      const span = pick(r, spans);
      const header = g.text.slice(span.header, span.body - 1);
      const m = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@(.*)$/.exec(header);
      if (!m) throw new Error(`generatedBase made an unexpected header: ${header}`);
      const [oldStart, oldCount, newStart, newCount, rest] = [m[1], Number(m[2]), m[3], Number(m[4]), m[5]];
      const lie = (n: number): string => String(pick(r, [n + int(r, 1, 50), Math.max(0, n - int(r, 1, n)), 999_999_999_999, 2 ** 53 + 1].filter((x) => x !== n)));
      const liar = r() < 0.5 ? `@@ -${oldStart},${lie(oldCount)} +${newStart},${newCount} @@${rest}` : `@@ -${oldStart},${oldCount} +${newStart},${lie(newCount)} @@${rest}`;
      const text = g.text.slice(0, span.header) + liar + g.text.slice(span.body - 1);
      // Files before the lying one are untouched.
      const intact = g.intact.filter((i) => g.text.indexOf(`diff --git a/${i.path} `) < span.file);
      return { category, name: `lying-header ${g.name}: ${header.slice(0, 40)} -> ${liar.slice(0, 40)}`, content: text, malformed: true, intact };
    }
    case 'deep-nesting': {
      const n = nested(r, sized(int(r, 500, 20_000)));
      return withAddedLines(r, category, n.what, n.lines);
    }
    case 'switch-10000': {
      const lines = ['\tswitch (page->pgmap->type) {'];
      const n = sized(10_000);
      for (let i = 0; i < n; i++) lines.push(`\tcase ${i}:`, i % 7 === 0 ? '\t\tput_page(page);' : '\t\tget_page(page);', '\t\tbreak;');
      lines.push('\t}');
      return withAddedLines(r, category, `a ${n}-way switch`, lines);
    }
    case 'macro-soup': {
      const n = int(r, 5, 60);
      const lines = Array.from({ length: n }, () => pick(r, MACRO_SOUP));
      return withAddedLines(r, category, `macro soup of ${n} lines (seed ${seed})`, lines);
    }
    case 'garbage-neighbour': {
      const a = snippetFile(r, 'mm/memremap.c');
      const b = snippetFile(r, 'drivers/dax/device.c');
      const junk = Array.from({ length: int(r, 1, 30) }, () => pick(r, ['+\tput_page(', '@@ -1,2 +1,3 @@', '@@ garbage @@', '\u0001\u0002', '-', 'random words', '+}', '\\ No newline at end of file']));
      const garbage = `diff --git a/mm/garbage.c b/mm/garbage.c\n--- a/mm/garbage.c\n+++ b/mm/garbage.c\n@@ -10,${int(r, 20, 40)} +10,${int(r, 20, 40)} @@ broken\n${junk.join('\n')}\n`;
      const text = mail(1, 1, 'mm: good, bad, good', 'Three files, one of them garbage.', a.diff + garbage + b.diff);
      return { category, name: `garbage-neighbour (seed ${seed})`, content: text, malformed: true, intact: [a.intact, b.intact] };
    }
  }
}

/** Categories whose one input is large by definition: run once per seed, a few seeds. */
export const LARGE: ReadonlySet<Category> = new Set(['long-line', 'tiny-hunks', 'mbox-1000', 'switch-10000']);
