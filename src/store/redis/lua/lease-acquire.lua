-- Takes a namespace's leader lease if nobody holds it, with the next epoch; the lease expires on
-- the server (PX). A lease the caller holds under another epoch than it knows (it stepped down
-- locally) is given up first, so every new term has a new epoch.
-- KEYS[1] leader hash, KEYS[2] epoch counter, KEYS[3] events stream (one namespace slot)
-- ARGV[1] worker id, ARGV[2] epoch the caller knows ('0' when none), ARGV[3] lease ms, ARGV[4] events ttl ms,
-- ARGV[5] the caller's instance nonce (two processes started with one worker id are told apart),
-- ARGV[6] the highest epoch the caller has seen: a counter the store lost restarts above it
-- Returns { acquired (0|1), holder or '', epoch, lease ms left, newest event id }.
--- @include "newest-entry-id"
--- @include "store-time"
local holder = redis.call('HGET', KEYS[1], 'workerId')
if holder == ARGV[1] and redis.call('HGET', KEYS[1], 'instance') == ARGV[5] and redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[2] then
  redis.call('DEL', KEYS[1])
  holder = false
end
if holder then
  return { 0, holder, redis.call('HGET', KEYS[1], 'epoch'), redis.call('PTTL', KEYS[1]), newestEntryId(KEYS[3]) }
end
local floor = tonumber(ARGV[6]) or 0
if tonumber(redis.call('GET', KEYS[2]) or '0') < floor then redis.call('SET', KEYS[2], floor, 'KEEPTTL') end
local epoch = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'workerId', ARGV[1], 'instance', ARGV[5], 'epoch', epoch, 'since', storeTimeMs())
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local event = cjson.encode({ event = 'acquired', workerId = ARGV[1], epoch = epoch })
local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', 100, '*', 'event', event)
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return { 1, ARGV[1], tostring(epoch), tonumber(ARGV[3]), id }
