-- Records the ACK of one message exactly once, removes its inbox entry and notifies the sender
-- (a notice in its stream, pushed on its channel).
-- KEYS[1] inbox stream, KEYS[2] ACK key, KEYS[3] sender's ACK notice stream (same swarm slot)
-- ARGV[1] consumer group, ARGV[2] entry id ('' when unknown), ARGV[3] ACK body, ARGV[4] ttl ms,
-- ARGV[5] notice stream cap, ARGV[6] the sender's push channel
-- Returns { body of the ACK now stored, created (0|1) }.
if ARGV[2] ~= '' then
  redis.pcall('XACK', KEYS[1], ARGV[1], ARGV[2])
  redis.call('XDEL', KEYS[1], ARGV[2])
end
local existing = redis.call('GET', KEYS[2])
if existing then
  return { existing, 0 }
end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', 'ack', ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
redis.call('PUBLISH', ARGV[6], 'a ' .. id .. ' ' .. ARGV[3])
return { ARGV[3], 1 }
