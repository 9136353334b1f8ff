-- Reads the lease and the newest leadership event id together.
-- KEYS[1] leader hash, KEYS[2] epoch counter, KEYS[3] events stream
-- Returns { holder or '', epoch, lease ms left, newest event id }.
--- @include "newest-entry-id"
local cursor = newestEntryId(KEYS[3])
local holder = redis.call('HGET', KEYS[1], 'workerId')
if holder then
  return { holder, redis.call('HGET', KEYS[1], 'epoch'), redis.call('PTTL', KEYS[1]), cursor }
end
return { '', redis.call('GET', KEYS[2]) or '0', 0, cursor }
