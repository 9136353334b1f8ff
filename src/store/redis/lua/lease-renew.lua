-- Extends the lease if the caller still holds it under its epoch and the counter is not above that
-- epoch, and stores the record's next renewal number with its new seal: a renewed record never
-- looks like the last one, so a record nobody renews is recognised even if its expiry was lifted.
-- KEYS[1] leader hash, KEYS[2] epoch counter; ARGV[1] worker id, ARGV[2] epoch, ARGV[3] lease ms,
-- ARGV[4] instance nonce, ARGV[5] renewal number, ARGV[6] seal
-- Returns 1 when renewed, 0 otherwise.
--- @include "epoch-value"
--- @include "lease-record"
local fields = storedLease(KEYS[1])
if not fields or fields[1] ~= ARGV[1] or fields[3] ~= ARGV[2] or fields[2] ~= ARGV[4] or epochIn(KEYS[2]) > tonumber(ARGV[2]) then
  return 0
end
redis.call('HSET', KEYS[1], 'renewal', ARGV[5], 'seal', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
