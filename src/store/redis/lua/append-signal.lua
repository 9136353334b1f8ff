-- Appends signals to receivers' inboxes, each at most once per idempotency key, and pushes each on
-- its receiver's channel (a waiting receiver needs no read). One call carries one or more signals
-- of one swarm (call-batch.ts); each entry's outcome is its own.
-- KEYS: per signal i (from 0), KEYS[2i+1] inbox stream, KEYS[2i+2] idempotency key (one swarm slot)
-- ARGV[1] consumer group; per signal i, from ARGV[5i+2]: body, messageId, ttl ms,
-- '1' when an idempotency key is given, the receiver's push channel
-- Returns per signal { messageId, isDuplicate (0|1) }, or an error reply.
--- @include "each-entry"
local function append(inbox, idem, body, messageId, ttl, hasIdem, channel)
  if hasIdem == '1' then
    local existing = redis.call('GET', idem)
    if existing then
      return { existing, 1 }
    end
    redis.call('SET', idem, messageId, 'PX', ttl)
  end
  if redis.call('EXISTS', inbox) == 0 then
    -- A new inbox gets its group at id 0, so a receiver that starts later reads everything.
    redis.call('XGROUP', 'CREATE', inbox, ARGV[1], '0', 'MKSTREAM')
  end
  local id = redis.call('XADD', inbox, '*', 'signal', body)
  redis.call('PEXPIRE', inbox, ttl)
  redis.call('PUBLISH', channel, 's ' .. id .. ' ' .. body)
  return { messageId, 0 }
end

return eachEntry(#KEYS / 2, function(i)
  local a = 5 * i + 2
  return append(KEYS[2 * i + 1], KEYS[2 * i + 2], ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4])
end)
