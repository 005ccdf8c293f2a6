-- Copyright 2026 The gomodls Authors.
-- SPDX-License-Identifier: BSD-3-Clause
-- The license text is in editors/nvim/LICENSE of the gomodls repository.
--
-- gomodls for Neovim 0.7 to 0.10, without plugins: starts one gomodls
-- client per workspace root and attaches go.mod, go.sum and go.work buffers
-- to it. On 0.11+ setup() hands the configuration to vim.lsp.config and
-- vim.lsp.enable instead, so one init.lua works on every version.
--
-- Use: copy this file to ~/.config/nvim/lua/gomodls.lua (or put
-- editors/nvim on 'runtimepath') and add to init.lua:
--
--   require('gomodls').setup({
--     settings = { gomodls = { upgrades = 'patch' } },  -- docs/settings.md
--   })
--
-- Any vim.lsp.start_client field can be given (cmd, cmd_env, on_attach,
-- init_options, ...); tables are merged with the defaults below.

local M = {}

local language_ids = { gomod = 'go.mod', gosum = 'go.sum', gowork = 'go.work' }

-- The same defaults as lsp/gomodls.lua (the e2e test checks they agree).
M.defaults = {
  cmd = { 'gomodls', 'serve' },
  filetypes = { 'gomod', 'gosum', 'gowork' },
  root_markers = { 'go.work', 'go.mod', '.git' },
  get_language_id = function(_, filetype)
    return language_ids[filetype] or filetype
  end,
  settings = {
    -- vim.empty_dict(): an empty Lua table would be sent as a JSON array.
    gomodls = vim.empty_dict(),
  },
}

-- Neovim before 0.10 detects go.sum and go.work.sum as "hercules" (its
-- *.sum rule). Setting the filetype from a BufRead autocommand wins in
-- either order: before the *.sum rule, :setfiletype then does nothing;
-- after it, this overrides it.
function M.fix_filetypes()
  local group = vim.api.nvim_create_augroup('gomodls_filetype', { clear = true })
  vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
    group = group,
    pattern = { 'go.sum', 'go.work.sum' },
    command = 'set filetype=gosum',
  })
  -- Lua filetype detection (0.8+, or 0.7 with g:do_filetype_lua).
  if vim.filetype and vim.filetype.add then
    vim.filetype.add({ filename = { ['go.sum'] = 'gosum', ['go.work.sum'] = 'gosum' } })
  end
end

local function exists(path)
  return vim.loop.fs_stat(path) ~= nil
end

-- find_root returns the directory to use as the workspace root of path:
-- for each marker in order of priority (a list of markers has equal
-- priority), the nearest ancestor holding it; else path's directory.
function M.find_root(path, markers)
  local start = vim.fn.fnamemodify(path, ':p:h')
  for _, marker in ipairs(markers) do
    local names = type(marker) == 'table' and marker or { marker }
    local dir = start
    while true do
      for _, name in ipairs(names) do
        if exists(dir .. '/' .. name) then
          return dir
        end
      end
      local parent = vim.fn.fnamemodify(dir, ':h')
      if parent == dir then
        break
      end
      dir = parent
    end
  end
  return start
end

local clients = {} -- root directory -> client id

-- attach starts (or reuses) the client for the buffer's root and attaches
-- the buffer to it.
function M.attach(bufnr, config)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or vim.bo[bufnr].buftype ~= '' then
    return
  end
  local root = M.find_root(name, config.root_markers)
  local id = clients[root]
  if id and (vim.lsp.get_client_by_id(id) == nil or vim.lsp.client_is_stopped(id)) then
    id = nil
  end
  if not id then
    local c = vim.tbl_extend('force', config, { name = 'gomodls', root_dir = root })
    c.filetypes, c.root_markers = nil, nil
    id = vim.lsp.start_client(c)
    if not id then
      return
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
end

function M.setup(opts)
  local config = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  if vim.fn.has('nvim-0.11') == 1 then
    vim.lsp.config('gomodls', config)
    vim.lsp.enable('gomodls')
    return
  end
  M.fix_filetypes()
  local group = vim.api.nvim_create_augroup('gomodls', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      M.attach(args.buf, config)
    end,
  })
  -- Buffers opened before setup ran.
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.tbl_contains(config.filetypes, vim.bo[buf].filetype) then
      M.attach(buf, config)
    end
  end
end

return M
