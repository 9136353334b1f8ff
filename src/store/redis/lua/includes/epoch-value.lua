-- Epochs read from keys (the counter, a fence, the lease's epoch field): 0 when the key or field is
-- absent, of another type, or does not hold a whole number from 0 to MAX_EPOCH. Only a hand-written
-- value can be such: it counts as lost, and the next write of an epoch replaces it.
-- The memory store's copy: src/store/memory/epoch-value.ts.
--- @include "max-epoch"

-- The epoch a GET or HGET reply holds (a string; false when absent; an error table for another type).
local function epochOf(raw)
  if type(raw) ~= 'string' then return 0 end
  local n = tonumber(raw)
  if n == nil or n < 0 or n > MAX_EPOCH or n ~= math.floor(n) then return 0 end
  return n
end

local function epochIn(key)
  return epochOf(redis.pcall('GET', key))
end
