-- Appends a signal to a receiver's inbox, at most once per idempotency key, and pushes it on the
-- receiver's channel (a waiting receiver needs no read).
-- KEYS[1] inbox stream, KEYS[2] idempotency key (same swarm slot)
-- ARGV[1] body, ARGV[2] messageId, ARGV[3] ttl ms, ARGV[4] '1' when an idempotency key is given,
-- ARGV[5] consumer group, ARGV[6] the receiver's push channel
-- Returns { messageId, isDuplicate (0|1) }.
if ARGV[4] == '1' then
  local existing = redis.call('GET', KEYS[2])
  if existing then
    return { existing, 1 }
  end
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  -- A new inbox gets its group at id 0, so a receiver that starts later reads everything.
  redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[5], '0', 'MKSTREAM')
end
local id = redis.call('XADD', KEYS[1], '*', 'signal', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', ARGV[6], 's ' .. id .. ' ' .. ARGV[1])
return { ARGV[2], 0 }
