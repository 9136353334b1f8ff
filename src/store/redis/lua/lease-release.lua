-- Gives the lease up if the caller holds it under its epoch, and tells the followers at once with
-- the `released` event the caller sealed.
-- KEYS[1] leader hash, KEYS[2] events stream; ARGV[1] worker id, ARGV[2] epoch, ARGV[3] events ttl ms,
-- ARGV[4] instance nonce, ARGV[5] event seal
-- Returns 1 when released, 0 otherwise.
--- @include "lease-record"
--- @include "lease-event"
local fields = storedLease(KEYS[1])
if not fields or fields[1] ~= ARGV[1] or fields[3] ~= ARGV[2] or fields[2] ~= ARGV[4] then
  return 0
end
redis.call('DEL', KEYS[1])
local eventsKind = redis.call('TYPE', KEYS[2]).ok
if eventsKind ~= 'stream' and eventsKind ~= 'none' then redis.call('DEL', KEYS[2]) end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', 100, '*', 'event', leaseEvent('released', ARGV[1], ARGV[2], ARGV[5]))
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
