-- Counts one more warning for a silent coordinator, if the supervisor's epoch may still write.
-- KEYS[1] fence key, KEYS[2] warning counter (one swarm slot)
-- ARGV[1] epoch, ARGV[2] warning ttl ms, ARGV[3] fence ttl ms
-- Returns the warning count, or -1 when a newer supervisor term has written here.
local epoch = tonumber(ARGV[1])
if epoch < 1 then return -1 end
if epoch < tonumber(redis.call('GET', KEYS[1]) or '0') then return -1 end
redis.call('SET', KEYS[1], epoch, 'PX', ARGV[3])
local count = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return count
