-- Takes a namespace's leader lease if nobody holds it (or the record held is the forged one the
-- caller names), under the epoch the caller proposes if it is above the counter; the lease expires
-- on the server (PX). The caller sealed the record and the event beforehand: this script cannot
-- sign or verify (no secret), its readers verify. A lease the caller holds under another epoch
-- than it knows (it stepped down locally) is given up first, so every new term has a new epoch.
-- KEYS[1] leader hash, KEYS[2] epoch counter, KEYS[3] events stream (one namespace slot)
-- ARGV[1] worker id, ARGV[2] instance nonce, ARGV[3] epoch the caller knows ('0' when none),
-- ARGV[4] proposed epoch, ARGV[5] lease ms, ARGV[6] record seal, ARGV[7] event seal,
-- ARGV[8] events ttl ms, ARGV[9] digest of a forged record to replace ('' none),
-- ARGV[10] a counter value judged written by hand, counted as lost if still held ('' none)
-- Returns { acquired (0|1), the record's 6 fields (lease-record), its digest, lease ms left,
-- counter, newest event id }; the record fields are '' when nobody holds the lease.
--- @include "newest-entry-id"
--- @include "store-time"
--- @include "epoch-value"
--- @include "lease-record"
--- @include "lease-event"
local function reply(acquired, fields, digest, ttl, counter)
  return { acquired, fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], digest, ttl, counter, newestEntryId(KEYS[3]) }
end
local NONE = { '', '', '', '', '', '' }

-- Only a stream of events belongs here: anything else was written by hand and would fail XADD.
local eventsKind = redis.call('TYPE', KEYS[3]).ok
if eventsKind ~= 'stream' and eventsKind ~= 'none' then redis.call('DEL', KEYS[3]) end

local counter = epochIn(KEYS[2])
if ARGV[10] ~= '' and counter == tonumber(ARGV[10]) then counter = 0 end
local fields, digest = storedLease(KEYS[1])
if fields and fields[1] == ARGV[1] and fields[2] == ARGV[2] and fields[3] ~= ARGV[3] then
  redis.call('DEL', KEYS[1])
  fields = nil
end
local epoch = tonumber(ARGV[4])
if fields and (digest ~= ARGV[9] or epoch <= counter or epoch > MAX_EPOCH) then
  return reply(0, fields, digest, redis.call('PTTL', KEYS[1]), counter)
end
if epoch <= counter or epoch > MAX_EPOCH then return reply(0, NONE, '', 0, counter) end

redis.call('DEL', KEYS[1]) -- a forged record the caller named, if any
redis.call('SET', KEYS[2], ARGV[4], 'KEEPTTL')
redis.call('HSET', KEYS[1], 'workerId', ARGV[1], 'instance', ARGV[2], 'epoch', ARGV[4], 'leaseMs', ARGV[5],
  'renewal', '0', 'seal', ARGV[6], 'since', storeTimeMs())
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', 100, '*', 'event', leaseEvent('acquired', ARGV[1], ARGV[4], ARGV[7]))
redis.call('PEXPIRE', KEYS[3], ARGV[8])
local stored = { ARGV[1], ARGV[2], ARGV[4], ARGV[5], '0', ARGV[6] }
local _, newDigest = storedLease(KEYS[1])
return reply(1, stored, newDigest, tonumber(ARGV[5]), epoch)
