-- Marks a spawn request carried out (the replacement process was started), if the supervisor's
-- epoch may still write. KEYS[1] fence, KEYS[2] spawn request, KEYS[3] pending spawn requests
-- ARGV[1] epoch, ARGV[2] fence ttl ms, ARGV[3] new id
-- Returns 1 when marked, 0 when there was no such request, -1 when fenced out.
local epoch = tonumber(ARGV[1])
if epoch < 1 or epoch < tonumber(redis.call('GET', KEYS[1]) or '0') then return -1 end
redis.call('SET', KEYS[1], epoch, 'PX', ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[3])
local request = redis.call('GET', KEYS[2])
if not request then return 0 end
local decoded = cjson.decode(request)
decoded.status = 'spawned'
redis.call('SET', KEYS[2], cjson.encode(decoded), 'KEEPTTL')
return 1
