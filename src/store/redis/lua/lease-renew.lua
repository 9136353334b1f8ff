-- Extends the lease if the caller still holds it under its epoch.
-- KEYS[1] leader hash; ARGV[1] worker id, ARGV[2] epoch, ARGV[3] lease ms, ARGV[4] instance nonce
-- Returns 1 when renewed, 0 otherwise.
if redis.call('HGET', KEYS[1], 'workerId') == ARGV[1] and redis.call('HGET', KEYS[1], 'epoch') == ARGV[2]
  and redis.call('HGET', KEYS[1], 'instance') == ARGV[4] then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0
