/**
 * The language server in Neovim's built-in LSP client (Debian's `neovim` package),
 * started from the installed `distroless-language-server` bin as docs/editors.md
 * tells Neovim users to: a Dockerfile is opened, the diagnostics arrive, and the
 * quick fix for one of them applies. Neovim runs headless; the Lua script writes
 * what it saw to a JSON file this test reads. Skips when nvim is absent, fails
 * then when CI=true (.ci/run installs it).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { installedBinDir } from '../support/packedBin';

function nvimPath(): string | undefined {
  const found = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? 'nvim' : undefined;
}

const DOCKERFILE = 'FROM gcr.io/distroless/static-debian13:nonroot\nCOPY app /app\nCMD /app --serve\n';

/** Neovim 0.7 (Debian 12) has no vim.lsp.start: start_client and buf_attach_client work from 0.7 on. */
const SCRIPT = String.raw`
local out_file, server, dockerfile = _G.arg_out, _G.arg_server, _G.arg_dockerfile
local result = { diagnostics = {}, actions = {}, lines = {}, hover = '' }
local function finish(err)
  if err then result.error = err end
  local f = io.open(out_file, 'w'); f:write(vim.fn.json_encode(result)); f:close()
  vim.cmd('qa!')
end
vim.cmd('edit ' .. vim.fn.fnameescape(dockerfile))
local bufnr = vim.api.nvim_get_current_buf()
vim.bo[bufnr].filetype = 'dockerfile'
local client_id = vim.lsp.start_client({
  name = 'distroless',
  cmd = { server, '--stdio' },
  root_dir = vim.fn.fnamemodify(dockerfile, ':h'),
  -- Neovim 0.7 neither answers workspace/configuration (it does not advertise it) nor
  -- pushes settings, so its settings reach the server as initializationOptions, as
  -- docs/editors.md says: here they turn the rule's error into a warning.
  init_options = { distroless = { diagnosticsDelay = 0, rules = { ['shell-form-in-shellless-stage'] = 'warning' } } },
})
if not client_id then return finish('the server did not start') end
vim.lsp.buf_attach_client(bufnr, client_id)
local arrived = vim.wait(20000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
if not arrived then return finish('no diagnostics within 20 s') end
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  table.insert(result.diagnostics, { code = d.user_data and d.user_data.lsp and d.user_data.lsp.code or d.code, line = d.lnum, message = d.message, severity = d.severity })
end
local client = vim.lsp.get_client_by_id(client_id)
local line_diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, 2)
local target
for _, d in ipairs(line_diagnostics) do if d.code == 'shell-form-in-shellless-stage' then target = d end end
if not target then return finish('no shell-form diagnostic on line 3') end
-- What K (vim.lsp.buf.hover) shows with the cursor on the diagnostic.
local hover = client.request_sync('textDocument/hover', {
  textDocument = { uri = vim.uri_from_bufnr(bufnr) },
  position = target.range.start,
}, 10000, bufnr)
if not hover or hover.err or not hover.result then return finish('hover failed: ' .. vim.inspect(hover)) end
result.hover = table.concat(vim.lsp.util.convert_input_to_markdown_lines(hover.result.contents), '\n')
local response = client.request_sync('textDocument/codeAction', {
  textDocument = { uri = vim.uri_from_bufnr(bufnr) },
  range = target.range,
  context = { diagnostics = { target }, only = { 'quickfix' } },
}, 10000, bufnr)
if not response or response.err then return finish('codeAction failed: ' .. vim.inspect(response)) end
local chosen
for _, action in ipairs(response.result or {}) do
  table.insert(result.actions, action.title)
  if action.isPreferred and action.edit then chosen = action end
end
if not chosen then return finish('no preferred quick fix') end
vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
result.lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
finish()
`;

test('Neovim: one-line diagnostics arrive from the installed bin, the hover explains them, and a quick fix applies', { timeout: 180_000 }, (t) => {
  const nvim = nvimPath();
  if (!nvim) {
    if (process.env.CI === 'true') assert.fail('nvim is not installed; .ci/run installs Debian\'s neovim package');
    t.skip('nvim is not installed (apt-get install -y neovim)');
    return;
  }
  const server = path.join(installedBinDir(), 'distroless-language-server');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distroless-nvim-'));
  const dockerfile = path.join(work, 'Dockerfile');
  fs.writeFileSync(dockerfile, DOCKERFILE);
  const script = path.join(work, 'test.lua');
  const outFile = path.join(work, 'result.json');
  fs.writeFileSync(script, SCRIPT);
  const lua = (name: string, value: string) => `lua _G.${name} = ${JSON.stringify(value)}`;
  const run = spawnSync(nvim, ['--headless', '--clean', '-n', '-c', lua('arg_out', outFile), '-c', lua('arg_server', server), '-c', lua('arg_dockerfile', dockerfile), '-c', `luafile ${script}`], {
    encoding: 'utf8', timeout: 120_000, env: { ...process.env, XDG_STATE_HOME: work, XDG_DATA_HOME: work, XDG_CONFIG_HOME: work },
  });
  assert.ok(fs.existsSync(outFile), `Neovim wrote no result (status ${run.status}): ${run.stderr}${run.stdout}`);
  const result = JSON.parse(fs.readFileSync(outFile, 'utf8')) as { error?: string; diagnostics: Array<{ code: string; line: number; message: string; severity: number }>; actions: string[]; lines: string[]; hover: string };
  assert.equal(result.error, undefined, result.error);
  assert.deepEqual(result.diagnostics.map((d) => [d.code, d.line]).sort(), [['shell-form-in-shellless-stage', 2]]);
  // One line, the headline alone: virtual text and Trouble show the whole message.
  assert.equal(result.diagnostics[0].message, 'CMD in shell form needs /bin/sh, which this image lacks: use exec form');
  // The explanation is in the hover at the diagnostic, with the rule's documentation link.
  assert.match(result.hover, /^\[shell-form-in-shellless-stage\]\(https:\/\/[^)]*docs\/rules\.md#shell-form-in-shellless-stage\): CMD \/app --serve is in shell form/);
  // vim.diagnostic.severity.WARN: the rule's default is error, so the settings given in Neovim reached the server.
  assert.equal(result.diagnostics[0].severity, 2);
  assert.deepEqual(result.actions, [
    'Rewrite as exec form: CMD ["/app", "--serve"]',
    'Ignore shell-form-in-shellless-stage for this instruction',
    'Ignore shell-form-in-shellless-stage in this file',
    'Show documentation for shell-form-in-shellless-stage',
  ]);
  assert.deepEqual(result.lines, ['FROM gcr.io/distroless/static-debian13:nonroot', 'COPY app /app', 'CMD ["/app", "--serve"]']);
});
