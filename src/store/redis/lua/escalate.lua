-- Escalates a dead coordinator exactly once, atomically: records the escalation and the spawn
-- request, moves all its work items to the replacement (each wrapped with transferredFrom,
-- transferredAt and assignedTo, the original JSON kept verbatim) and the signals still in its
-- inbox (with their original stream ids, so their age is kept), logs and announces the
-- replacement, clears its warnings and takes it off the registry. A second call, from any
-- supervisor, returns the first call's replacement and changes nothing.
-- KEYS[1] fence, KEYS[2] escalation record, KEYS[3] spawn request, KEYS[4] dead work hash,
-- KEYS[5] new work hash, KEYS[6] swarm event log, KEYS[7] warning counter, KEYS[8] registry,
-- KEYS[9] dead inbox, KEYS[10] new inbox, KEYS[11] pending spawn requests (one swarm slot)
-- ARGV[1] epoch, ARGV[2] swarm, ARGV[3] dead id, ARGV[4] new id, ARGV[5] fence ttl ms,
-- ARGV[6] record ttl ms, ARGV[7] work ttl ms, ARGV[8] replacement channel, ARGV[9] event log cap,
-- ARGV[10] consumer group, ARGV[11] inbox ttl ms, ARGV[12] the replacement's push channel
-- Returns { replacement id, CREATED or EXISTING or FENCED, work items moved, signals moved }.
--- @include "result-codes"
--- @include "fence-check"
--- @include "store-time"
local existing = redis.call('GET', KEYS[2])
if existing then
  return { cjson.decode(existing).newCoordinatorId, EXISTING, 0, 0 }
end
local epoch = tonumber(ARGV[1])
if fencedOutBy(KEYS[1], epoch) ~= nil then return { '', FENCED, 0, 0 } end
holdFence(KEYS[1], epoch, ARGV[5])

local now = storeTimeMs()
local items = redis.call('HGETALL', KEYS[4])
for i = 1, #items, 2 do
  local wrapped = '{"assignedTo":"' .. ARGV[4] .. '","transferredFrom":"' .. ARGV[3] ..
    '","transferredAt":' .. string.format('%d', now) .. ',"previous":' .. items[i + 1] .. '}'
  redis.call('HSET', KEYS[5], items[i], wrapped)
end
if #items > 0 then redis.call('PEXPIRE', KEYS[5], ARGV[7]) end
redis.call('DEL', KEYS[4])

-- The signals it never acknowledged (acknowledged entries were deleted) go to the new inbox.
local pending = redis.call('XRANGE', KEYS[9], '-', '+')
if #pending > 0 then
  if redis.call('EXISTS', KEYS[10]) == 0 then
    redis.call('XGROUP', 'CREATE', KEYS[10], ARGV[10], '0', 'MKSTREAM')
  end
  for _, entry in ipairs(pending) do
    local kept = redis.pcall('XADD', KEYS[10], entry[1], unpack(entry[2]))
    if type(kept) == 'table' and kept.err then
      redis.call('XADD', KEYS[10], '*', unpack(entry[2])) -- its id is taken: keep the signal under a new one
    end
  end
  redis.call('PEXPIRE', KEYS[10], ARGV[11])
  redis.call('PUBLISH', ARGV[12], 'r') -- a replacement already running reads them now
end
redis.call('DEL', KEYS[9])

local record = cjson.encode({
  deadCoordinatorId = ARGV[3], newCoordinatorId = ARGV[4], swarmId = ARGV[2],
  epoch = epoch, escalatedAt = now, workItems = #items / 2, signals = #pending,
})
redis.call('SET', KEYS[2], record, 'PX', ARGV[6])
redis.call('SET', KEYS[3], cjson.encode({
  newCoordinatorId = ARGV[4], replaces = ARGV[3], swarmId = ARGV[2], requestedAt = now, status = 'requested',
}), 'PX', ARGV[6])
redis.call('ZADD', KEYS[11], now, ARGV[4])
redis.call('PEXPIRE', KEYS[11], ARGV[6])
redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[9], '*', 'event', cjson.encode({
  type = 'replacement', oldCoordinatorId = ARGV[3], newCoordinatorId = ARGV[4], swarmId = ARGV[2], epoch = epoch, at = now,
}))
redis.call('PEXPIRE', KEYS[6], ARGV[6])
redis.call('DEL', KEYS[7])
redis.call('ZREM', KEYS[8], ARGV[3])
redis.call('PUBLISH', ARGV[8], cjson.encode({ oldCoordinatorId = ARGV[3], newCoordinatorId = ARGV[4] }))
return { ARGV[4], CREATED, #items / 2, #pending }
