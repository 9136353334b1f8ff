-- Appends a signal to a receiver's inbox, at most once per idempotency key.
-- KEYS[1] inbox stream, KEYS[2] idempotency key, KEYS[3] the sender's ACK notice stream (same swarm slot)
-- ARGV[1] body, ARGV[2] messageId, ARGV[3] ttl ms, ARGV[4] '1' when an idempotency key is given,
-- ARGV[5] consumer group
-- Returns { messageId, isDuplicate (0|1), newest ACK notice id of the sender ('0-0' when none) }:
-- every ACK of a new message is noticed after that id, so the sender can wait without a snapshot.
if ARGV[4] == '1' then
  local existing = redis.call('GET', KEYS[2])
  if existing then
    return { existing, 1, '' }
  end
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  -- A new inbox gets its group at id 0, so a receiver that starts later reads everything.
  redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[5], '0', 'MKSTREAM')
end
redis.call('XADD', KEYS[1], '*', 'signal', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local newest = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)
if newest[1] then
  return { ARGV[2], 0, newest[1][1] }
end
return { ARGV[2], 0, '0-0' }
