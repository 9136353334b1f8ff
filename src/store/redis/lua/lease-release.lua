-- Gives the lease up if the caller holds it under its epoch, and tells the followers at once.
-- KEYS[1] leader hash, KEYS[2] events stream; ARGV[1] worker id, ARGV[2] epoch, ARGV[3] events ttl ms,
-- ARGV[4] instance nonce
-- Returns 1 when released, 0 otherwise.
if redis.call('HGET', KEYS[1], 'workerId') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[2]
  or redis.call('HGET', KEYS[1], 'instance') ~= ARGV[4] then
  return 0
end
redis.call('DEL', KEYS[1])
local event = cjson.encode({ event = 'released', workerId = ARGV[1], epoch = tonumber(ARGV[2]) })
redis.call('XADD', KEYS[2], 'MAXLEN', '~', 100, '*', 'event', event)
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
