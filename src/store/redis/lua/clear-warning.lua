-- Clears the warnings of a coordinator that beat again, if the supervisor's epoch may still write.
-- KEYS[1] fence key, KEYS[2] warning counter; ARGV[1] epoch, ARGV[2] fence ttl ms
-- Returns the count it had (0 when none), or FENCED when fenced out (with or without warnings).
--- @include "result-codes"
--- @include "fence-check"
local epoch = tonumber(ARGV[1])
if fencedOutBy(KEYS[1], epoch) ~= nil then return FENCED end
local count = tonumber(redis.call('GET', KEYS[2]) or '0')
if count > 0 then
  holdFence(KEYS[1], epoch, ARGV[2])
  redis.call('DEL', KEYS[2])
end
return count
