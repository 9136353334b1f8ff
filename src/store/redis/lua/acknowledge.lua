-- Records ACKs, each exactly once: removes the signal's inbox entry and notifies its sender (a
-- notice in its stream, pushed on its channel). One call carries one or more ACKs of one swarm
-- (call-batch.ts); each entry's outcome is its own.
-- KEYS: per ACK i (from 0), KEYS[3i+1] inbox stream, KEYS[3i+2] ACK key, KEYS[3i+3] the sender's
-- ACK notice stream (one swarm slot)
-- ARGV[1] consumer group; per ACK i, from ARGV[5i+2]: entry id ('' when unknown), ACK body, ttl ms,
-- the sender's push channel, the notice stream's cap
-- Returns per ACK { body of the ACK now stored, created (0|1) }, or an error reply.
--- @include "each-entry"
-- The ACK and its notice are written before the inbox entry is removed: a write Redis refuses
-- (OOM under noeviction) ends the script with the entry still pending, delivered again later,
-- never removed without its ACK.
local function removeEntry(inbox, entryId)
  if entryId ~= '' then
    redis.pcall('XACK', inbox, ARGV[1], entryId)
    redis.call('XDEL', inbox, entryId)
  end
end

local function acknowledge(inbox, ackKey, notices, entryId, body, ttl, channel, cap)
  local existing = redis.call('GET', ackKey)
  if existing then
    removeEntry(inbox, entryId)
    return { existing, 0 }
  end
  redis.call('SET', ackKey, body, 'PX', ttl)
  local id = redis.call('XADD', notices, 'MAXLEN', '~', cap, '*', 'ack', body)
  redis.call('PEXPIRE', notices, ttl)
  removeEntry(inbox, entryId)
  redis.call('PUBLISH', channel, 'a ' .. id .. ' ' .. body)
  return { body, 1 }
end

return eachEntry(#KEYS / 3, function(i)
  local a = 5 * i + 2
  return acknowledge(KEYS[3 * i + 1], KEYS[3 * i + 2], KEYS[3 * i + 3], ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4])
end)
