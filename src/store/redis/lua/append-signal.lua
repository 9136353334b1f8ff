-- Appends signals to receivers' inboxes, each at most once per idempotency key, and pushes each on
-- its receiver's channel (a waiting receiver needs no read). One call carries one or more signals
-- of one swarm (call-batch.ts); each entry's outcome is its own.
-- KEYS: per signal i (from 0), KEYS[2i+1] inbox stream, KEYS[2i+2] idempotency key (one swarm slot)
-- ARGV[1] consumer group; per signal i, from ARGV[5i+2]: body, ttl ms, the idempotency record to
-- store ('' without an idempotency key), the receiver's push channel, and '=' followed by a record
-- found forged that may be overwritten ('' for none: a taken key is then left as it is)
-- Returns per signal { 1 when the key was taken already, the record it holds or '', keys of the
-- wrong type replaced }, or an error reply.
-- The record is signed by the sender, not checked here: the caller verifies a record it gets back.
--- @include "each-entry"
--- @include "own-key"
local function append(inbox, idem, body, ttl, record, channel, replace)
  local replaced = ownKey(inbox, 'stream')
  if record ~= '' then
    replaced = replaced + ownKey(idem, 'string')
    local existing = redis.call('GET', idem)
    if existing and '=' .. existing ~= replace then
      return { 1, existing, replaced }
    end
    redis.call('SET', idem, record, 'PX', ttl)
  end
  if redis.call('EXISTS', inbox) == 0 then
    -- A new inbox gets its group at id 0, so a receiver that starts later reads everything.
    redis.call('XGROUP', 'CREATE', inbox, ARGV[1], '0', 'MKSTREAM')
  end
  local id = redis.call('XADD', inbox, '*', 'signal', body)
  redis.call('PEXPIRE', inbox, ttl)
  redis.call('PUBLISH', channel, 's ' .. id .. ' ' .. body)
  return { 0, '', replaced }
end

return eachEntry(#KEYS / 2, function(i)
  local a = 5 * i + 2
  return append(KEYS[2 * i + 1], KEYS[2 * i + 2], ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4])
end)
