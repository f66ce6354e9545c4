-- Neovim 0.7's built-in LSP client, configured by the README's Lua ($PAGEREF_CONFIG), on the file
-- Neovim was started with. Collects what the client receives and writes it as JSON to
-- $PAGEREF_OUT; editors.test.ts checks it against the CLI.
-- Run as: nvim --headless --clean -c 'luafile test/editors/nvim.lua' FILE
local out = { diagnostics = nil }
local function finish()
  local f = assert(io.open(os.getenv('PAGEREF_OUT'), 'w'))
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd('qall!')
end

local ok, err = pcall(function()
  -- What the client receives, as it receives it.
  local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
  vim.lsp.handlers['textDocument/publishDiagnostics'] = function(e, result, ctx, config)
    out.diagnostics = result.diagnostics
    return publish(e, result, ctx, config)
  end
  -- The README's configuration, as written; the file was loaded before it, so it is loaded again.
  dofile(os.getenv('PAGEREF_CONFIG'))
  vim.cmd('edit')
  assert(vim.wait(60000, function() return out.diagnostics ~= nil end, 50), 'no diagnostics within 60 s')
  out.filetype = vim.bo.filetype
  out.shown = #vim.diagnostic.get(0)
  local client = vim.lsp.get_active_clients()[1]
  local uri = vim.uri_from_bufnr(0)
  local doc = { uri = uri }
  local function request(method, params)
    local r, e = client.request_sync(method, params, 30000, 0)
    assert(r, method .. ': ' .. tostring(e))
    assert(not r.err, method .. ': ' .. vim.inspect(r.err))
    return r.result
  end
  local line, character = os.getenv('PAGEREF_HOVER'):match('(%d+),(%d+)')
  out.hover = request('textDocument/hover', { textDocument = doc, position = { line = tonumber(line), character = tonumber(character) } })
  out.codeLens = request('textDocument/codeLens', { textDocument = doc })
  -- 0.7.2 has no inlay hint client: the request is sent as is.
  out.inlayHints = request('textDocument/inlayHint', { textDocument = doc, range = { start = { line = 0, character = 0 }, ['end'] = { line = vim.api.nvim_buf_line_count(0), character = 0 } } })
  out.symbols = request('textDocument/documentSymbol', { textDocument = doc })
  local lens = out.codeLens[2]
  out.simulate = request('workspace/executeCommand', lens.command)
  out.sarif = request('workspace/executeCommand', { command = 'pageref.server.exportSarif', arguments = { uri } })
  out.reply = request('workspace/executeCommand', { command = 'pageref.server.draftReply', arguments = { uri } })
  client.stop()
end)
if not ok then out.error = tostring(err) end
finish()
