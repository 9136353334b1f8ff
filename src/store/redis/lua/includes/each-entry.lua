-- The loop of a script that carries a batch of entries (redis/call-batch.ts): `one(i)` runs for
-- i = 0 .. count - 1, each in pcall, so an entry that fails gets its own error reply and the
-- others still run. Returns the results in entry order.
local function eachEntry(count, one)
  local results = {}
  for i = 0, count - 1 do
    local ok, result = pcall(one, i)
    if ok then
      results[i + 1] = result
    else
      results[i + 1] = { err = type(result) == 'table' and result.err or tostring(result) }
    end
  end
  return results
end
