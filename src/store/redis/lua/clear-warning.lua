-- Clears the warnings of a coordinator that beat again, if the supervisor's epoch may still write.
-- KEYS[1] fence key, KEYS[2] warning counter; ARGV[1] epoch, ARGV[2] fence ttl ms
-- Returns the count it had (0 when none), or -1 when fenced out.
local epoch = tonumber(ARGV[1])
if epoch < 1 then return -1 end
if epoch < tonumber(redis.call('GET', KEYS[1]) or '0') then return -1 end
local count = tonumber(redis.call('GET', KEYS[2]) or '0')
if count > 0 then
  redis.call('SET', KEYS[1], epoch, 'PX', ARGV[2])
  redis.call('DEL', KEYS[2])
end
return count
