-- The id of a stream's newest entry, or '0-0' when it has none: a cursor to read after.
local function newestEntryId(stream)
  local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
  if last[1] then return last[1][1] end
  return '0-0'
end
