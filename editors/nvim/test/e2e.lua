-- End-to-end test of gomodls in a real Neovim (0.7+), headless:
--
--   nvim --headless -u NONE -c 'luafile editors/nvim/test/e2e.lua'
--
-- It starts the fixture proxy, opens a fixture go.mod through the editors/nvim
-- configuration, waits for the server's diagnostics and checks codes and
-- positions, asks for a hover, applies two quick fixes through Neovim's own
-- workspace-edit code and compares the buffer, then checks that go.sum gets
-- the gosum filetype and its diagnostics. Any mismatch or timeout exits
-- non-zero with a message.
--
-- Environment:
--   GOMODLS_E2E_ROOT          repository root (default: the current directory)
--   GOMODLS_E2E_SERVER        the gomodls binary (required unless a template is given)
--   GOMODLS_E2E_FIXTUREPROXY  the fixtureproxy binary (go build ./internal/proxytest/cmd/fixtureproxy)
--   GOMODLS_E2E_TEMPLATE      an LSP4IJ template directory: start the server with
--                             its programArgs, settings.json and
--                             initializationOptions.json, as LSP4IJ would
--   GOMODLS_E2E_EXPECT_EXE    check that the server process runs this binary
--   GOMODLS_E2E_TIMEOUT_MS    how long to wait for each server answer (default 20000)
--   GOMODLS_E2E_KEEP          keep the fixture directory and log

local uv = vim.loop
local root = os.getenv('GOMODLS_E2E_ROOT') or uv.cwd()
local timeout = tonumber(os.getenv('GOMODLS_E2E_TIMEOUT_MS') or '') or 20000
local started = uv.hrtime()

local passed = 0
local cleanups = {}
local logfile -- the server's log, shown on failure

local function log(fmt, ...)
  io.stdout:write(string.format('[%6.2fs] ', (uv.hrtime() - started) / 1e9) .. string.format(fmt, ...) .. '\n')
  io.stdout:flush()
end

-- check fails the test with msg unless cond; every check counts.
local function check(cond, msg, ...)
  if not cond then
    error(string.format(msg, ...), 2)
  end
  passed = passed + 1
end

local function wait_for(what, cond)
  local ok = vim.wait(timeout, cond, 25)
  if not ok then
    error(string.format('timed out after %dms waiting for %s', timeout, what), 2)
  end
end

local function read_file(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end

local function write_file(path, s)
  local f = assert(io.open(path, 'wb'))
  f:write(s)
  f:close()
end

-- Fixture --------------------------------------------------------------------

local fixture_gomod = table.concat({
  'module example.com/hello',
  '',
  'go 1.22',
  '',
  'require (',
  '\tgolang.org/x/text v0.20.0',
  '\tgolang.org/x/mod v0.20',
  ')',
  '',
  'replace golang.org/x/text => ./missing',
  '',
}, '\n')

local expected_after_fixes = {
  'module example.com/hello',
  '',
  'go 1.22',
  '',
  'require (',
  '\tgolang.org/x/text v0.20.0',
  '\tgolang.org/x/mod v0.20.0',
  ')',
  '',
}

local fixture_gosum = 'golang.org/x/text v0.20.0 h1:notvalid\n'

-- The fixture proxy ----------------------------------------------------------

-- start_proxy runs fixtureproxy and returns its description (URLs, env).
local function start_proxy(bin)
  local lines, stderr = {}, {}
  local job = vim.fn.jobstart({ bin }, {
    on_stdout = function(_, data)
      for _, l in ipairs(data) do
        if l ~= '' then
          table.insert(lines, l)
        end
      end
    end,
    on_stderr = function(_, data)
      vim.list_extend(stderr, data)
    end,
  })
  check(job > 0, 'cannot start fixture proxy %s', bin)
  -- Closing its stdin makes it exit and remove its temporary GOPATH.
  table.insert(cleanups, function()
    vim.fn.chanclose(job, 'stdin')
    vim.fn.jobwait({ job }, 5000)
  end)
  local ok = vim.wait(timeout, function() return #lines > 0 end, 25)
  if not ok then
    error('fixture proxy printed nothing; stderr: ' .. table.concat(stderr, '\n'))
  end
  local info = vim.json.decode(lines[1])
  check(type(info.env) == 'table' and info.env.GOPROXY == info.proxyURL, 'fixture proxy info without env: %s', lines[1])
  return info
end

-- LSP4IJ's command line (see its CommandUtils.createCommands): split on
-- spaces, a double quote toggles quoting and is dropped.
local function lsp4ij_split(line)
  local args, cur, quoted = {}, {}, false
  local function flush()
    local a = vim.trim(table.concat(cur))
    if a ~= '' then
      table.insert(args, a)
    end
    cur = {}
  end
  for i = 1, #line do
    local c = line:sub(i, i)
    if c == '"' then
      quoted = not quoted
    elseif c == ' ' and not quoted then
      flush()
    else
      table.insert(cur, c)
    end
  end
  flush()
  return args
end

-- template_config reads an LSP4IJ template directory the way LSP4IJ uses
-- it on Linux: programArgs ("unix", else "default") with IntelliJ's path
-- macros expanded, settings.json answered to workspace/configuration, and
-- initializationOptions.json as initializationOptions.
local function template_config(dir, project_dir)
  local t = vim.json.decode(read_file(dir .. '/template.json'))
  local line = t.programArgs.unix or t.programArgs.default
  check(type(line) == 'string', 'template.json has no programArgs for Linux')
  local home = assert(os.getenv('HOME'), 'HOME is not set')
  line = line:gsub('%$USER_HOME%$', function() return home end)
  line = line:gsub('%$PROJECT_DIR%$', function() return project_dir end)
  check(not line:find('%$[A-Z_]+%$'), 'template command has an unexpanded macro: %s', line)
  local cmd = lsp4ij_split(line)
  log('template command: %s', vim.inspect(cmd))
  return {
    cmd = cmd,
    settings = vim.json.decode(read_file(dir .. '/settings.json')),
    init_options = vim.json.decode(read_file(dir .. '/initializationOptions.json')),
  }
end

-- Helpers on diagnostics ------------------------------------------------------

local function diags_by_code(buf)
  local by = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.source == 'gomodls' and d.code then
      by[d.code] = d
    end
  end
  return by
end

local function describe(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out, string.format('%d:%d-%d:%d %s [%s]', d.lnum, d.col, d.end_lnum, d.end_col, d.message, tostring(d.code)))
  end
  return table.concat(out, '\n  ')
end

local function check_range(d, lnum, col, end_lnum, end_col, code)
  check(d.lnum == lnum and d.col == col and d.end_lnum == end_lnum and d.end_col == end_col,
    '%s at %d:%d-%d:%d, want %d:%d-%d:%d', code, d.lnum, d.col, d.end_lnum, d.end_col, lnum, col, end_lnum, end_col)
  check(d.severity == vim.diagnostic.severity.ERROR, '%s severity %s, want error', code, tostring(d.severity))
end

-- attached returns the number of clients attached to buf and one of them
-- (buf_get_clients is keyed by client id).
local function attached(buf)
  local n, one = 0, nil
  for _, c in pairs(vim.lsp.buf_get_clients(buf)) do
    n, one = n + 1, c
  end
  return n, one
end

local function request(buf, method, params)
  local res, err = vim.lsp.buf_request_sync(buf, method, params, timeout)
  if not res then
    error(string.format('%s: no answer: %s', method, tostring(err)), 2)
  end
  for _, r in pairs(res) do
    if r.err then
      error(string.format('%s: error %s', method, vim.inspect(r.err)), 2)
    end
    return r.result
  end
  error(method .. ': no client answered', 2)
end

-- to_lsp turns a Neovim diagnostic back into the LSP one (ASCII fixture:
-- byte columns equal UTF-16 columns).
local function to_lsp(d)
  return {
    range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
    severity = d.severity,
    code = d.code,
    source = d.source,
    message = d.message,
  }
end

-- apply_fix asks for the code actions at diagnostic d, picks the one titled
-- title and applies its edit as Neovim does.
local function apply_fix(buf, d, title)
  local lspd = to_lsp(d)
  local actions = request(buf, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = lspd.range,
    context = { diagnostics = { lspd } },
  })
  check(type(actions) == 'table' and #actions > 0, 'no code actions for %s', d.code)
  local titles = {}
  for _, a in ipairs(actions) do
    table.insert(titles, a.title)
    if a.title == title then
      check(a.kind == 'quickfix', '%q has kind %s, want quickfix', title, tostring(a.kind))
      check(a.edit ~= nil, '%q has no edit', title)
      check(a.diagnostics and a.diagnostics[1] and a.diagnostics[1].code == d.code, '%q is not tied to %s', title, d.code)
      vim.lsp.util.apply_workspace_edit(a.edit, 'utf-16')
      return a
    end
  end
  error(string.format('no code action %q among %s', title, vim.inspect(titles)))
end

-- The test --------------------------------------------------------------------

local function main()
  log('%s', vim.fn.execute('version'):match('NVIM v[^\n]+'))
  local fixtureproxy = assert(os.getenv('GOMODLS_E2E_FIXTUREPROXY'), 'set GOMODLS_E2E_FIXTUREPROXY')
  local template = os.getenv('GOMODLS_E2E_TEMPLATE')
  local server = os.getenv('GOMODLS_E2E_SERVER')
  check(template or server, 'set GOMODLS_E2E_SERVER or GOMODLS_E2E_TEMPLATE')

  local proxy = start_proxy(fixtureproxy)
  log('fixture proxy at %s', proxy.proxyURL)
  -- The server must see only the fixture: drop inherited Go settings
  -- (GOPRIVATE, GOFLAGS, ...), then pass the fixture's through cmd_env.
  for _, k in ipairs(proxy.unset or {}) do
    vim.env[k] = nil
  end

  local dir = vim.fn.resolve(vim.fn.tempname())
  vim.fn.mkdir(dir, 'p')
  if os.getenv('GOMODLS_E2E_KEEP') then
    log('fixture in %s', dir)
  else
    table.insert(cleanups, function() vim.fn.delete(dir, 'rf') end)
  end
  write_file(dir .. '/go.mod', fixture_gomod)
  write_file(dir .. '/go.sum', fixture_gosum)

  -- Filetype detection as in a normal start (-u NONE skips it).
  vim.cmd('filetype on')
  local v = vim.version()
  if v.major == 0 and v.minor < 10 then
    -- Without the fix, this Neovim calls go.sum "hercules".
    vim.cmd('edit ' .. vim.fn.fnameescape(dir .. '/go.sum'))
    check(vim.bo.filetype == 'hercules', 'expected Neovim %d.%d to detect go.sum as hercules before the fix, got %q', v.major, v.minor, vim.bo.filetype)
    vim.cmd('bwipeout!')
  end

  -- The 0.11 config file and the 0.7 module must agree.
  vim.opt.runtimepath:prepend(root .. '/editors/nvim')
  local gomodls = require('gomodls')
  local new = dofile(root .. '/editors/nvim/lsp/gomodls.lua')
  for _, k in ipairs({ 'cmd', 'filetypes', 'root_markers', 'settings' }) do
    check(vim.deep_equal(new[k], gomodls.defaults[k]), 'lsp/gomodls.lua %s = %s, lua/gomodls.lua has %s', k, vim.inspect(new[k]), vim.inspect(gomodls.defaults[k]))
  end
  check(new.get_language_id(0, 'gosum') == 'go.sum' and gomodls.defaults.get_language_id(0, 'gowork') == 'go.work', 'language ids')

  local opts
  if template then
    opts = template_config(template, dir)
  else
    logfile = dir .. '/gomodls.log'
    opts = { cmd = { server, 'serve', '-logfile', logfile } }
  end
  opts.cmd_env = proxy.env
  gomodls.setup(opts)

  -- go.mod: diagnostics ---------------------------------------------------
  vim.cmd('edit ' .. vim.fn.fnameescape(dir .. '/go.mod'))
  local buf = vim.api.nvim_get_current_buf()
  check(vim.bo.filetype == 'gomod', 'go.mod filetype %q, want gomod', vim.bo.filetype)
  wait_for('the client to attach to go.mod', function() return attached(buf) == 1 end)
  local _, client = attached(buf)
  check(client.name == 'gomodls', 'client name %q', client.name)
  check(client.config.root_dir == dir, 'root_dir %s, want %s', client.config.root_dir, dir)
  log('attached client %d (%s)', client.id, client.name)
  local want_exe = os.getenv('GOMODLS_E2E_EXPECT_EXE')
  if want_exe then
    -- The command line must have found this binary (Linux /proc).
    local exe = uv.fs_readlink('/proc/' .. client.rpc.pid .. '/exe')
    check(exe == vim.fn.resolve(want_exe), 'server process runs %s, want %s', tostring(exe), want_exe)
    log('server process is %s', exe)
  end

  local ok = vim.wait(timeout, function()
    local by = diags_by_code(buf)
    return by['invalid-version'] ~= nil and by['replace-dir-missing'] ~= nil
  end, 25)
  check(ok, 'timed out waiting for invalid-version and replace-dir-missing; have:\n  %s', describe(buf))
  local by = diags_by_code(buf)
  log('diagnostics:\n  %s', describe(buf))
  -- go.mod:7:19-24 and go.mod:10:30-39 in gomodls check's 1-based columns.
  check_range(by['invalid-version'], 6, 18, 6, 23, 'invalid-version')
  check(by['invalid-version'].message:find('v0.20.0', 1, true), 'invalid-version message %q does not name v0.20.0', by['invalid-version'].message)
  check_range(by['replace-dir-missing'], 9, 29, 9, 38, 'replace-dir-missing')
  check(by['replace-dir-missing'].message:find('./missing', 1, true), 'replace-dir-missing message %q', by['replace-dir-missing'].message)

  -- go.mod: hover ----------------------------------------------------------
  local hover = request(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 5, character = 4 },
  })
  check(hover and hover.contents, 'no hover on the require line')
  check(hover.contents.kind == 'markdown', 'hover kind %s, want markdown', tostring(hover.contents.kind))
  check(hover.contents.value:find('**golang.org/x/text v0.20.0**', 1, true), 'hover lacks the module title:\n%s', hover.contents.value)
  log('hover: %s', (hover.contents.value:gsub('\n+', ' | ')))

  -- go.mod: quick fixes -----------------------------------------------------
  local action = apply_fix(buf, by['replace-dir-missing'], 'Remove this replace')
  log('applied %q', action.title)
  ok = vim.wait(timeout, function()
    local b = diags_by_code(buf)
    return b['replace-dir-missing'] == nil and b['invalid-version'] ~= nil
  end, 25)
  check(ok, 'after removing the replace, want invalid-version only; have:\n  %s', describe(buf))

  action = apply_fix(buf, diags_by_code(buf)['invalid-version'], 'Change version to v0.20.0')
  check(action.isPreferred == true, 'the version fix is not preferred')
  log('applied %q', action.title)
  ok = vim.wait(timeout, function() return diags_by_code(buf)['invalid-version'] == nil end, 25)
  check(ok, 'invalid-version still reported after its fix:\n  %s', describe(buf))

  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  check(vim.deep_equal(lines, expected_after_fixes), 'buffer after fixes:\n%s\nwant:\n%s', table.concat(lines, '\n'), table.concat(expected_after_fixes, '\n'))

  -- go.sum: filetype fix and diagnostics ---------------------------------------
  vim.cmd('edit ' .. vim.fn.fnameescape(dir .. '/go.sum'))
  local sumbuf = vim.api.nvim_get_current_buf()
  check(vim.bo.filetype == 'gosum', 'go.sum filetype %q, want gosum', vim.bo.filetype)
  wait_for('the client to attach to go.sum', function() return attached(sumbuf) == 1 end)
  check(vim.lsp.buf_get_clients(sumbuf)[client.id] ~= nil, 'go.sum attached to another client than go.mod')
  ok = vim.wait(timeout, function() return diags_by_code(sumbuf)['sum-malformed'] ~= nil end, 25)
  check(ok, 'timed out waiting for sum-malformed on go.sum; have:\n  %s', describe(sumbuf))
  check_range(diags_by_code(sumbuf)['sum-malformed'], 0, 26, 0, 37, 'sum-malformed')

  -- Stop the client as :LspStop does (shutdown, then exit): the LSP exit
  -- notification must end the server process while its stdin stays open.
  local pid = client.rpc.pid
  table.insert(cleanups, function()
    if not vim.lsp.client_is_stopped(client.id) then
      uv.kill(pid, 'sigkill')
    end
  end)
  vim.lsp.stop_client(client.id)
  ok = vim.wait(5000, function() return vim.lsp.client_is_stopped(client.id) end, 25)
  check(ok, 'gomodls (pid %d) did not exit within 5s of shutdown and exit', pid)
end

local function finish(code)
  for i = #cleanups, 1, -1 do
    pcall(cleanups[i])
  end
  vim.cmd((code == 0 and 'qall!') or ('cquit ' .. code))
end

local ok, err = xpcall(main, debug.traceback)
local mode = os.getenv('GOMODLS_E2E_TEMPLATE') and 'template command' or 'binary'
if ok then
  log('nvim-e2e (%s): %d passed, 0 failed', mode, passed)
  finish(0)
else
  io.stderr:write(string.format('\nFAIL nvim-e2e (%s): %s\n', mode, err))
  if logfile and vim.fn.filereadable(logfile) == 1 then
    io.stderr:write('--- server log (last 40 lines)\n')
    local ls = vim.fn.readfile(logfile)
    io.stderr:write(table.concat(vim.list_slice(ls, math.max(1, #ls - 39)), '\n') .. '\n')
  end
  io.stderr:write(string.format('%d passed, 1 failed\n', passed))
  finish(1)
end
