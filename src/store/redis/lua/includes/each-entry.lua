-- The loop of a script that carries a batch of entries (redis/call-batch.ts): `one(i)` runs for
-- i = 0 .. count - 1, each in pcall, so an entry that fails gets its own error reply and the
-- others still run. Returns the results in entry order. A READONLY refusal is the server's, not
-- an entry's (it is a replica now, and wrote nothing): it is the whole call's error reply, which
-- has the client reconnect to find the master (redis/demoted-server.ts).
local function eachEntry(count, one)
  local results = {}
  for i = 0, count - 1 do
    local ok, result = pcall(one, i)
    if ok then
      results[i + 1] = result
    else
      local message = type(result) == 'table' and result.err or tostring(result)
      if string.sub(message, 1, 8) == 'READONLY' then return redis.error_reply(message) end
      results[i + 1] = { err = message }
    end
  end
  return results
end
