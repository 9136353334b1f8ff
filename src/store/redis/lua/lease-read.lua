-- Reads the lease record (unverified: its reader checks the seal), the counter and the newest
-- leadership event id together.
-- KEYS[1] leader hash, KEYS[2] epoch counter, KEYS[3] events stream
-- Returns { the record's 6 fields (lease-record) or '', its digest or '', lease ms left, counter, newest event id }.
--- @include "newest-entry-id"
--- @include "epoch-value"
--- @include "lease-record"
local cursor = '0-0'
if redis.call('TYPE', KEYS[3]).ok == 'stream' then cursor = newestEntryId(KEYS[3]) end
local counter = epochIn(KEYS[2])
local fields, digest = storedLease(KEYS[1])
if fields then
  return { fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], digest, redis.call('PTTL', KEYS[1]), counter, cursor }
end
return { '', '', '', '', '', '', '', 0, counter, cursor }
