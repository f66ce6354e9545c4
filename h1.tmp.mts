import { parseDocument } from './src/core/patch';
const t = `era: E2\nexpect: introduced\nA small note.\n\ndiff --git a/mm/x.c b/mm/x.c\n--- a/mm/x.c\n+++ b/mm/x.c\n@@ -1,3 +1,3 @@ void f(struct page *page)\n {\n-\tput_page(page);\n+\tfolio_put(page_folio(page));\n }\n`;
const r = await parseDocument({ name: 'c.patch', content: t });
console.log(JSON.stringify(r.value.patches.map(p => ({ s: p.subject, files: p.files.map(f => [f.path, f.hunks.length, f.hunks[0]?.after]) })), null, 0), r.value.format, r.problems);
