-- Opens one manifest of a folder and waits for diagnostics holding every code of FLARE_NVIM_WANTED
-- (comma-separated): findings that need the workspace index (FL501, a job file read as its workflow's
-- job). Writes {workspace = {ok, detail = {codes = [...]}}} to FLARE_NVIM_RESULT and exits.
local TIMEOUT = tonumber(os.getenv('FLARE_NVIM_TIMEOUT_MS') or '') or 20000
local OUT = assert(os.getenv('FLARE_NVIM_RESULT'), 'FLARE_NVIM_RESULT is not set')
local wanted = vim.split(os.getenv('FLARE_NVIM_WANTED') or '', ',', { trimempty = true })

local function codes()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do table.insert(found, tostring(d.code)) end
  return found
end

local function has_all()
  local found = {}
  for _, c in ipairs(codes()) do found[c] = true end
  for _, c in ipairs(wanted) do
    if not found[c] then return false end
  end
  return true
end

-- With -u NONE there is no filetype detection: setting it fires FileType, which vim.lsp.enable() hooks.
vim.bo.filetype = 'yaml'
local ok = vim.wait(TIMEOUT, has_all, 50)
local file = assert(io.open(OUT, 'w'))
file:write(vim.json.encode({ workspace = { ok = ok, detail = { codes = codes() } } }))
file:close()
for _, client in ipairs(vim.lsp.get_clients({ name = 'flare_ls' })) do client:stop() end
vim.wait(3000, function() return #vim.lsp.get_clients({ name = 'flare_ls' }) == 0 end, 20)
vim.cmd(ok and 'qall!' or 'cquit 1')
