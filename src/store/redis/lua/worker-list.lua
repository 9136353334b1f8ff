-- Lists the workers heard from within the timeout, oldest heartbeat first, with their info.
-- KEYS[1] workers sorted set, KEYS[2] worker info hash; ARGV[1] worker timeout ms
-- Returns a flat list { id, last heartbeat ms, info JSON or false, ... }.
--- @include "store-time"
local ms = storeTimeMs()
local live = redis.call('ZRANGEBYSCORE', KEYS[1], ms - tonumber(ARGV[1]), '+inf', 'WITHSCORES')
local out = {}
for i = 1, #live, 2 do
  out[#out + 1] = live[i]
  out[#out + 1] = live[i + 1]
  out[#out + 1] = redis.call('HGET', KEYS[2], live[i])
end
return out
