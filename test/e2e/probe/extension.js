// Test-only companion of the end-to-end test: "PageRef probe: wait until idle" awaits PageRef
// Lens's whenIdle() (the API its activate returns) and then writes idle-N.json into
// $PAGEREF_PROBE_DIR, which the test waits for.
const vscode = require('vscode');
const fs = require('node:fs');
const path = require('node:path');

exports.activate = (ctx) => {
  let n = 0;
  ctx.subscriptions.push(vscode.commands.registerCommand('pagerefProbe.whenIdle', async () => {
    const api = await vscode.extensions.getExtension('pageref.pageref-lens').activate();
    const t0 = Date.now();
    await api.whenIdle();
    fs.writeFileSync(path.join(process.env.PAGEREF_PROBE_DIR, `idle-${++n}.json`), JSON.stringify({ n, waitedMs: Date.now() - t0 }));
  }));
};
