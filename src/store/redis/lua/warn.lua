-- Counts one more warning for a silent coordinator, if the supervisor's epoch may still write.
-- KEYS[1] fence key, KEYS[2] warning counter (one swarm slot)
-- ARGV[1] epoch, ARGV[2] warning ttl ms, ARGV[3] fence ttl ms
-- Returns the warning count, or FENCED when a newer supervisor term has written here.
--- @include "result-codes"
--- @include "fence-check"
local epoch = tonumber(ARGV[1])
if fencedOutBy(KEYS[1], epoch) ~= nil then return FENCED end
holdFence(KEYS[1], epoch, ARGV[3])
local count = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return count
