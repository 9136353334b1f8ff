-- Creates an inbox stream and its consumer group if missing; entries already there stay readable.
-- A key of another type in its place (hand-made or forged) is replaced.
-- KEYS[1] inbox stream; ARGV[1] consumer group, ARGV[2] ttl ms
-- Returns { 1 when it created the stream, 1 when it replaced a key of the wrong type }.
--- @include "own-key"
local replaced = ownKey(KEYS[1], 'stream')
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return { 1, replaced }
end
local ok = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0')
if type(ok) == 'table' and ok.err and not string.find(ok.err, 'BUSYGROUP') then
  return redis.error_reply(ok.err)
end
return { 0, replaced }
