-- Reads, atomically, the ACKs already recorded for one message and the id of the newest ACK
-- notice, so a waiter can block for notices after that id without missing or re-reading any.
-- KEYS[1] the sender's ACK notice stream, KEYS[2..] ACK keys (same swarm slot)
-- Returns { last notice id or '0-0', ACK body or false for each ACK key }.
--- @include "newest-entry-id"
local out = { newestEntryId(KEYS[1]) }
for i = 2, #KEYS do
  out[i] = redis.call('GET', KEYS[i])
end
return out
