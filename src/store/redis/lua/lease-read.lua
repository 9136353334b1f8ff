-- Reads the lease and the newest leadership event id together.
-- KEYS[1] leader hash, KEYS[2] epoch counter, KEYS[3] events stream
-- Returns { holder or '', epoch, lease ms left, newest event id }.
local last = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)
local cursor = '0-0'
if last[1] then cursor = last[1][1] end
local holder = redis.call('HGET', KEYS[1], 'workerId')
if holder then
  return { holder, redis.call('HGET', KEYS[1], 'epoch'), redis.call('PTTL', KEYS[1]), cursor }
end
return { '', redis.call('GET', KEYS[2]) or '0', 0, cursor }
