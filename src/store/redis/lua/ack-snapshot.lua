-- Reads, atomically, the ACKs already recorded for one message and the id of the newest ACK
-- notice, so a waiter can block for notices after that id without missing or re-reading any.
-- A key of the wrong type (hand-made or forged) reads as absent; the next ACK replaces it.
-- KEYS[1] the sender's ACK notice stream, KEYS[2..] ACK keys (same swarm slot)
-- Returns { last notice id or '0-0', ACK body or false for each ACK key }.
--- @include "newest-entry-id"
local function isType(key, kind)
  return redis.call('TYPE', key)['ok'] == kind
end
local out = { isType(KEYS[1], 'stream') and newestEntryId(KEYS[1]) or '0-0' }
for i = 2, #KEYS do
  out[i] = isType(KEYS[i], 'string') and redis.call('GET', KEYS[i])
end
return out
