-- Appends signals to receivers' inboxes, each at most once per idempotency key, within the
-- sender's rate and the inbox's length limits, and pushes each on its receiver's channel (a
-- waiting receiver needs no read). One call carries one or more signals of one swarm
-- (call-batch.ts); each entry's outcome is its own.
-- KEYS: per signal i (from 0), KEYS[3i+1] inbox stream, KEYS[3i+2] idempotency key, KEYS[3i+3]
-- the sender's rate counter for this receiver (one swarm slot)
-- ARGV[1] consumer group; per signal i, from ARGV[7i+2]: body, ttl ms, the idempotency record to
-- store ('' without an idempotency key), the receiver's push channel, '=' followed by a record
-- found forged that may be overwritten ('' for none: a taken key is then left as it is), the
-- most sends per second (0: no limit), the most inbox entries (0: no limit)
-- Returns per signal { APPENDED | DUPLICATE (the record it holds) | RATE_LIMITED (ms left of the
-- second) | INBOX_FULL (the inbox's length), that value as a string or '', keys of the wrong type
-- replaced }, or an error reply. Nothing is written unless the signal is appended.
-- The record is signed by the sender, not checked here: the caller verifies a record it gets back.
--- @include "each-entry"
--- @include "own-key"
--- @include "result-codes"
-- A counter anyone can write to: a value that is not a count, or one without its expiry (which
-- would hold the sender back for good), starts a new second.
local function countSend(rate)
  local ok, count = pcall(redis.call, 'INCR', rate)
  if not ok then
    redis.call('DEL', rate)
    count = redis.call('INCR', rate)
  end
  if count == 1 or redis.call('PTTL', rate) < 0 then
    redis.call('PEXPIRE', rate, 1000)
  end
  return count
end

local function append(inbox, idem, rate, body, ttl, record, channel, replace, perSecond, maxLength)
  local replaced = ownKey(inbox, 'stream')
  if record ~= '' then
    replaced = replaced + ownKey(idem, 'string')
    local existing = redis.call('GET', idem)
    if existing and '=' .. existing ~= replace then
      return { DUPLICATE, existing, replaced }
    end
  end
  if maxLength > 0 then
    local length = redis.call('XLEN', inbox)
    if length >= maxLength then
      return { INBOX_FULL, tostring(length), replaced }
    end
  end
  if perSecond > 0 and countSend(rate) > perSecond then
    return { RATE_LIMITED, tostring(math.max(redis.call('PTTL', rate), 0)), replaced }
  end
  if record ~= '' then
    redis.call('SET', idem, record, 'PX', ttl)
  end
  if redis.call('EXISTS', inbox) == 0 then
    -- A new inbox gets its group at id 0, so a receiver that starts later reads everything.
    redis.call('XGROUP', 'CREATE', inbox, ARGV[1], '0', 'MKSTREAM')
  end
  local id = redis.call('XADD', inbox, '*', 'signal', body)
  redis.call('PEXPIRE', inbox, ttl)
  redis.call('PUBLISH', channel, 's ' .. id .. ' ' .. body)
  return { APPENDED, '', replaced }
end

return eachEntry(#KEYS / 3, function(i)
  local a = 7 * i + 2
  return append(KEYS[3 * i + 1], KEYS[3 * i + 2], KEYS[3 * i + 3], ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4],
    tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6]))
end)
