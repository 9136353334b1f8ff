-- Records a worker's heartbeat (store time) and drops workers silent for longer than the timeout.
-- KEYS[1] workers sorted set, KEYS[2] worker info hash (one namespace slot)
-- ARGV[1] worker id, ARGV[2] info JSON, ARGV[3] worker timeout ms, ARGV[4] key ttl ms
-- Returns the ids dropped.
--- @include "store-time"
local ms = storeTimeMs()
redis.call('ZADD', KEYS[1], ms, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local stale = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. (ms - tonumber(ARGV[3])))
for _, id in ipairs(stale) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return stale
