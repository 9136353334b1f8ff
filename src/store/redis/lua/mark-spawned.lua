-- Marks a spawn request carried out (the replacement process was started), if the supervisor's
-- epoch may still write. KEYS[1] fence, KEYS[2] spawn request, KEYS[3] pending spawn requests
-- ARGV[1] epoch, ARGV[2] fence ttl ms, ARGV[3] new id
-- Returns MARKED, NO_REQUEST when there was no such request, or FENCED.
--- @include "result-codes"
--- @include "fence-check"
local epoch = tonumber(ARGV[1])
if fencedOutBy(KEYS[1], epoch) ~= nil then return FENCED end
holdFence(KEYS[1], epoch, ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[3])
local request = redis.call('GET', KEYS[2])
if not request then return NO_REQUEST end
local decoded = cjson.decode(request)
decoded.status = 'spawned'
redis.call('SET', KEYS[2], cjson.encode(decoded), 'KEEPTTL')
return MARKED
