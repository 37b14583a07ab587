-- Drives flare-ls through Neovim's own LSP client, as configured by docs/editors/neovim.md.
--
-- Run by tests/editors/test_neovim.py as
--   nvim --headless -u NONE -i NONE -n -c 'lua dofile("init.lua")' -c 'lua dofile("nvim_check.lua")' MANIFEST
-- where init.lua is the documented setup block. The manifest is examples/seed/06-kafka-lakehouse-insights.yaml
-- (line 22: `triggerMode: Continous`). Each check's outcome goes to the JSON file named by
-- FLARE_NVIM_RESULT as {name = {ok = bool, detail = ...}}, and the editor exits (0 when every check
-- passed, 1 otherwise); the test reads the file and asserts each check by name. The last check renames
-- the input `kafka` from its use in the step's SQL.
--
-- Environment: FLARE_NVIM_RESULT (required), FLARE_NVIM_TIMEOUT_MS (per wait, default 20000),
-- FLARE_NVIM_RULES (JSON {code: name}, to tell which codes the documented `ignore` setting names).

local TIMEOUT = tonumber(os.getenv('FLARE_NVIM_TIMEOUT_MS') or '') or 20000
local OUT = assert(os.getenv('FLARE_NVIM_RESULT'), 'FLARE_NVIM_RESULT is not set')
local RULES = vim.json.decode(os.getenv('FLARE_NVIM_RULES') or '{}')
local CLIENT_NAME = 'flare_ls'
local LINE = 21 -- 0-based: line 22, `triggerMode: Continous`
local MODES = { 'ProcessingTime', 'Once', 'AvailableNow', 'Continuous' }

local uv = vim.uv or vim.loop
local t_start = uv.hrtime()
local results = { _info = { nvim = tostring(vim.version()) } }
local bufnr = vim.api.nvim_get_current_buf()
local uri = vim.uri_from_bufnr(bufnr)

local function ms_since(t) return math.floor((uv.hrtime() - t) / 1e6) end

local function record(name, ok, detail)
  results[name] = { ok = ok and true or false, detail = detail }
end

local function finish()
  results._info.total_ms = ms_since(t_start)
  local file = assert(io.open(OUT, 'w'))
  file:write(vim.json.encode(results))
  file:close()
  local all_ok = true
  for name, r in pairs(results) do
    if name:sub(1, 1) ~= '_' and not r.ok then all_ok = false end
  end
  -- Stop the client first so the server gets shutdown/exit rather than a closed pipe.
  for _, client in ipairs(vim.lsp.get_clients({ name = CLIENT_NAME })) do
    client:stop()
  end
  vim.wait(3000, function() return #vim.lsp.get_clients({ name = CLIENT_NAME }) == 0 end, 20)
  vim.cmd(all_ok and 'qall!' or 'cquit 1')
end

local function client()
  return vim.lsp.get_clients({ bufnr = bufnr, name = CLIENT_NAME })[1]
end

--- The rule codes that the documented settings ignore (by id, id prefix or name).
local function ignored_codes()
  local cfg = vim.lsp.config[CLIENT_NAME] or {}
  local section = (cfg.settings or {})['flare-ls'] or {}
  local ignore = (section.rules or {}).ignore or {}
  local codes = {}
  for code, name in pairs(RULES) do
    for _, entry in ipairs(ignore) do
      if entry == name or vim.startswith(code, entry) then codes[code] = true end
    end
  end
  return codes
end

local function codes_of(diags)
  local list = {}
  for _, d in ipairs(diags) do
    table.insert(list, { code = d.code, line = d.lnum + 1, col = d.col + 1, message = d.message, source = d.source })
  end
  return list
end

local function find_fl102()
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == 'FL102' and d.lnum == LINE then return d end
  end
end

--- One request to the flare-ls client, synchronously; returns result, error.
local function request(method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT)
  if not responses then return nil, err or 'timed out' end
  local c = client()
  local r = c and responses[c.id]
  if not r then return nil, 'no response from ' .. CLIENT_NAME .. ': ' .. vim.inspect(responses) end
  return r.result, r.err
end

local function line_text(lnum) return vim.api.nvim_buf_get_lines(bufnr, lnum, lnum + 1, false)[1] end

local function main()
  -- With -u NONE there is no filetype detection: setting it fires FileType, which vim.lsp.enable() hooks.
  vim.bo[bufnr].filetype = 'yaml'

  local t0 = uv.hrtime()
  if not vim.wait(TIMEOUT, function() return client() ~= nil end, 20) then
    record('attach', false, 'no ' .. CLIENT_NAME .. ' client attached to the yaml buffer within ' .. TIMEOUT .. ' ms')
    return
  end
  local c = client()
  record('attach', true, { ms = ms_since(t0), offset_encoding = c.offset_encoding, cmd = c.config.cmd })
  results._info.server = c.server_info

  -- Diagnostics (pulled by Neovim 0.11+). Wait until FL102 is there and the ignored rules are gone:
  -- the first pull may be answered before the server has read the settings.
  local ignored = ignored_codes()
  local function settled()
    if not find_fl102() then return false end
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if ignored[d.code] then return false end
    end
    return true
  end
  t0 = uv.hrtime()
  local first_ms
  local ok = vim.wait(TIMEOUT, function()
    if not first_ms and #vim.diagnostic.get(bufnr) > 0 then first_ms = ms_since(t0) end
    return settled()
  end, 10)
  local diags = vim.diagnostic.get(bufnr)
  local fl102 = find_fl102()
  record('diagnostics', fl102 ~= nil and fl102.message:find('Continuous', 1, true) ~= nil
    and fl102.source == 'flare-ls', {
    first_ms = first_ms, settled_ms = ok and ms_since(t0) or nil, diagnostics = codes_of(diags),
  })
  local seen_ignored = {}
  for _, d in ipairs(diags) do
    if ignored[d.code] then table.insert(seen_ignored, d.code) end
  end
  record('settings', ok and #seen_ignored == 0 and next(ignored) ~= nil, {
    ignored_codes = vim.tbl_keys(ignored), still_reported = seen_ignored,
    note = next(ignored) == nil and 'the documented settings ignore no known rule: nothing to check' or nil,
  })

  -- Hover on the key `triggerMode`.
  local col = line_text(LINE):find('triggerMode', 1, true) + 1 -- 0-based, inside the word
  local hover, err = request('textDocument/hover', {
    textDocument = { uri = uri }, position = { line = LINE, character = col },
  })
  local contents = hover and hover.contents or {}
  local value = type(contents) == 'table' and contents.value or nil
  record('hover', contents.kind == 'markdown' and type(value) == 'string' and vim.startswith(value, '**`triggerMode`**'),
    { kind = contents.kind, value = value, err = err })

  -- Code action on the FL102 finding, as vim.lsp.buf.code_action() would ask for it.
  if fl102 then
    local lsp_diag = vim.lsp.diagnostic.from and vim.lsp.diagnostic.from({ fl102 })[1] or fl102.user_data.lsp
    local actions, aerr = request('textDocument/codeAction', {
      textDocument = { uri = uri },
      range = lsp_diag.range,
      context = { diagnostics = { lsp_diag }, triggerKind = 1 },
    })
    local titles, chosen = {}, nil
    for _, action in ipairs(actions or {}) do
      table.insert(titles, action.title)
      if action.title == 'Change to `Continuous`' then chosen = action end
    end
    record('code_action', chosen ~= nil and chosen.edit ~= nil, { titles = titles, err = aerr })
    if chosen and chosen.edit then
      vim.lsp.util.apply_workspace_edit(chosen.edit, c.offset_encoding)
      local text = line_text(LINE)
      record('fix_applied', vim.trim(text) == 'triggerMode: Continuous', { line = text })
      -- The edit is a change: Neovim sends didChange and pulls again; FL102 must go.
      t0 = uv.hrtime()
      local gone = vim.wait(TIMEOUT, function() return find_fl102() == nil end, 10)
      record('fix_clears_diagnostic', gone, {
        ms = gone and ms_since(t0) or nil, diagnostics = codes_of(vim.diagnostic.get(bufnr)),
      })
    end
  else
    record('code_action', false, 'no FL102 diagnostic to act on')
  end

  -- Completion at the value of `triggerMode: ` (the value removed first).
  local text = line_text(LINE)
  local prefix = text:match('^(%s*triggerMode: )')
  vim.api.nvim_buf_set_lines(bufnr, LINE, LINE + 1, false, { prefix })
  local completion, cerr = request('textDocument/completion', {
    textDocument = { uri = uri },
    position = { line = LINE, character = #prefix },
    context = { triggerKind = 1 },
  })
  local items = completion and (completion.items or completion) or {}
  local labels, have = {}, {}
  for _, item in ipairs(items) do
    table.insert(labels, item.label)
    have[item.label] = true
  end
  local missing = {}
  for _, mode in ipairs(MODES) do
    if not have[mode] then table.insert(missing, mode) end
  end
  record('completion', #missing == 0, { labels = labels, missing = missing, err = cerr })

  -- Rename the input `kafka` from where the step's SQL reads it (`FROM` / `kafka`, line 60), as a user
  -- does with `:lua vim.lsp.buf.rename('kafka_events')`: prepareRename, rename, and the edit applied.
  local sql_line, input_line = 59, 25 -- 0-based
  local sql_col = line_text(sql_line):find('kafka', 1, true) -- 1-based: inside the word once 0-based
  vim.api.nvim_win_set_cursor(0, { sql_line + 1, sql_col })
  t0 = uv.hrtime()
  vim.lsp.buf.rename('kafka_events')
  local renamed = vim.wait(TIMEOUT, function() return vim.trim(line_text(sql_line)) == 'kafka_events' end, 10)
  record('rename', renamed and vim.trim(line_text(input_line)) == '- name: kafka_events', {
    ms = renamed and ms_since(t0) or nil, sql = line_text(sql_line), input = line_text(input_line),
  })

  -- Format the document as `gq`/`:lua vim.lsp.buf.format()` does, after making a mess of it: trailing
  -- spaces on the first lines and a 4-space indent under `workflow:`. The test compares the result with
  -- what flare-ls's formatter makes of the text before.
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  for i = 1, 3 do lines[i] = lines[i] .. '   ' end
  for i, line in ipairs(lines) do
    if line == 'workflow:' then
      lines[i + 1] = '  ' .. lines[i + 1] -- `  dag:` becomes `    dag:`, with all below it
      for j = i + 2, #lines do
        if lines[j] ~= '' and not lines[j]:match('^%s') then break end
        if lines[j] ~= '' then lines[j] = '  ' .. lines[j] end
      end
      break
    end
  end
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, lines)
  local before = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
  t0 = uv.hrtime()
  vim.lsp.buf.format({ bufnr = bufnr, timeout_ms = TIMEOUT, name = CLIENT_NAME })
  local after = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
  record('formatting', before ~= after, { ms = ms_since(t0), before = before, after = after })
end

local ok, err = xpcall(main, debug.traceback)
if not ok then record('script_error', false, err) end
finish()
