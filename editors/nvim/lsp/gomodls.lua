-- Copyright 2026 The gomodls Authors.
-- SPDX-License-Identifier: BSD-3-Clause
-- The license text is in editors/nvim/LICENSE of the gomodls repository.
--
-- gomodls for Neovim 0.11+: copy this file to ~/.config/nvim/lsp/gomodls.lua
-- (or put editors/nvim on 'runtimepath') and call vim.lsp.enable('gomodls').
-- Override any field with vim.lsp.config('gomodls', { ... }).
--
-- Settings are the "gomodls" section documented in docs/settings.md; the
-- server pulls them with workspace/configuration.

-- The LSP language ids VS Code uses for these files. gomodls identifies
-- files by name, but other servers attached to the same buffers may not.
local language_ids = { gomod = 'go.mod', gosum = 'go.sum', gowork = 'go.work' }

return {
  cmd = { 'gomodls', 'serve' },
  filetypes = { 'gomod', 'gosum', 'gowork' },
  -- In order of priority: a go.work above the module wins over its go.mod.
  root_markers = { 'go.work', 'go.mod', '.git' },
  get_language_id = function(_, filetype)
    return language_ids[filetype] or filetype
  end,
  settings = {
    -- vim.empty_dict(): an empty Lua table would be sent as a JSON array.
    gomodls = vim.empty_dict(),
  },
}
