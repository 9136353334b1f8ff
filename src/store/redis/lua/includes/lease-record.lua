-- A lease record as stored, for its reader to verify (scripts cannot: they have no secret).
-- The memory store's copy: src/store/memory/lease-record.ts.

-- The fields a holder seals, in the order of the scripts' replies.
local LEASE_FIELDS = { 'workerId', 'instance', 'epoch', 'leaseMs', 'renewal', 'seal' }
-- A field longer than this is left out of the reply (as ''): no genuine one comes close.
local LEASE_FIELD_MAX_BYTES = 512

-- nil when the key is absent; else the fields (each '' when missing, too long, or the key is not
-- a hash) and a digest of the key's type and whole fields, which names exactly this record.
local function storedLease(key)
  local kind = redis.call('TYPE', key).ok
  if kind == 'none' then return nil end
  local values = {}
  if kind == 'hash' then values = redis.call('HMGET', key, unpack(LEASE_FIELDS)) end
  local parts = { kind }
  local fields = {}
  for i = 1, #LEASE_FIELDS do
    local value = values[i] or ''
    parts[#parts + 1] = #value .. ':' .. value
    if #value > LEASE_FIELD_MAX_BYTES then value = '' end
    fields[i] = value
  end
  return fields, redis.sha1hex(table.concat(parts, '\n'))
end
