-- Creates an inbox stream and its consumer group if missing; entries already there stay readable.
-- KEYS[1] inbox stream; ARGV[1] consumer group, ARGV[2] ttl ms
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
local ok = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0')
if type(ok) == 'table' and ok.err and not string.find(ok.err, 'BUSYGROUP') then
  return redis.error_reply(ok.err)
end
return 0
