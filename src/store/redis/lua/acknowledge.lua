-- Records ACKs, each exactly once: removes the signal's inbox entry and notifies its sender (a
-- notice in its stream, pushed on its channel). One call carries one or more ACKs of one swarm
-- (call-batch.ts); each entry's outcome is its own.
-- KEYS: per ACK i (from 0), KEYS[3i+1] inbox stream, KEYS[3i+2] ACK key, KEYS[3i+3] the sender's
-- ACK notice stream (one swarm slot)
-- ARGV[1] consumer group; per ACK i, from ARGV[8i+2]: entry id ('' when unknown), ACK body, ttl ms,
-- the sender's push channel, the notice stream's cap, '=' followed by an ACK found forged that may
-- be overwritten ('' for none), what the signal's entry holds (its messageId field, push.ts entryNeedle)
-- and the messageId itself
-- Returns per ACK { body of the ACK now stored, created (0|1), keys of the wrong type replaced },
-- or an error reply. An ACK stored earlier is returned, its entry left in place: the caller
-- verifies it (the store's word is not proof), then discards the entry or replaces the forgery.
--- @include "each-entry"
--- @include "own-key"
-- The ACK and its notice are written before the inbox entry is removed: a write Redis refuses
-- (OOM under noeviction) ends the script with the entry still pending, delivered again later,
-- never removed without its ACK.
-- The entry id may come from a push, which anyone who can PUBLISH can forge: the entry is removed
-- only if it holds this signal, never another one.
-- The compact field is found without parsing; a body written with other spacing (a foreign agent's)
-- is parsed instead (push.ts holdsMessage).
local function holdsMessage(body, needle, messageId)
  if string.find(body, needle, 1, true) then return true end
  local ok, signal = pcall(cjson.decode, body)
  return ok and type(signal) == 'table' and signal.messageId == messageId
end

local function removeEntry(inbox, entryId, needle, messageId)
  if entryId == '' then return end
  local found = redis.call('XRANGE', inbox, entryId, entryId)
  if found[1] and holdsMessage(found[1][2][2] or '', needle, messageId) then
    redis.pcall('XACK', inbox, ARGV[1], entryId)
    redis.call('XDEL', inbox, entryId)
  end
end

local function acknowledge(inbox, ackKey, notices, entryId, body, ttl, channel, cap, replace, needle, messageId)
  local replaced = ownKey(inbox, 'stream') + ownKey(ackKey, 'string') + ownKey(notices, 'stream')
  local existing = redis.call('GET', ackKey)
  if existing and '=' .. existing ~= replace then
    return { existing, 0, replaced }
  end
  redis.call('SET', ackKey, body, 'PX', ttl)
  local id = redis.call('XADD', notices, 'MAXLEN', '~', cap, '*', 'ack', body)
  redis.call('PEXPIRE', notices, ttl)
  removeEntry(inbox, entryId, needle, messageId)
  redis.call('PUBLISH', channel, 'a ' .. id .. ' ' .. body)
  return { body, 1, replaced }
end

return eachEntry(#KEYS / 3, function(i)
  local a = 8 * i + 2
  return acknowledge(KEYS[3 * i + 1], KEYS[3 * i + 2], KEYS[3 * i + 3], ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6], ARGV[a + 7])
end)
