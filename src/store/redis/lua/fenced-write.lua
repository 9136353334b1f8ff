-- Applies a leader's writes only while its epoch may write: not below the highest epoch that
-- already wrote into this slot (a fencing token), and, when the fence is in the namespace's own
-- slot (KEYS[2] and KEYS[3] given), equal to the lease's current epoch and not below the counter:
-- there a deleted fence does not let an old term through.
-- KEYS[1] fence key, KEYS[2] leader hash, KEYS[3] epoch counter (both the fence key again in
-- another slot), KEYS[4..] written keys
-- ARGV[1] epoch, ARGV[2] fence ttl ms, ARGV[3] '1' to check the lease and counter, ARGV[4] ops JSON:
--   [{op='set',k=i,value,ttl},{op='del',k=i},{op='hset',k=i,fields,ttl},{op='xadd',k=i,body,maxLen,ttl}]
--   where k is the index of the key in KEYS,
-- ARGV[5] a fence epoch the caller judged written by hand: the fence counts as absent while it
-- holds exactly that ('' none)
-- Returns { applied (0|1), epoch that decided, 0 or REFUSED_BY_FENCE or REFUSED_BY_TERM }.
--- @include "result-codes"
--- @include "fence-check"
local epoch = tonumber(ARGV[1])
if epoch < 1 then return { 0, 0, REFUSED_BY_TERM } end
local seen = epochIn(KEYS[1])
if ARGV[5] ~= '' and seen == tonumber(ARGV[5]) then seen = 0 end
if epoch < seen then return { 0, seen, REFUSED_BY_FENCE } end
if ARGV[3] == '1' then
  local current = epochOf(redis.pcall('HGET', KEYS[2], 'epoch'))
  if current ~= epoch then return { 0, current, REFUSED_BY_TERM } end
  local counter = epochIn(KEYS[3])
  if counter > epoch then return { 0, counter, REFUSED_BY_TERM } end
end
holdFence(KEYS[1], epoch, ARGV[2])
for _, op in ipairs(cjson.decode(ARGV[4])) do
  local key = KEYS[op.k]
  if op.op == 'set' then
    redis.call('SET', key, op.value, 'PX', op.ttl)
  elseif op.op == 'del' then
    redis.call('DEL', key)
  elseif op.op == 'hset' then
    for field, value in pairs(op.fields) do redis.call('HSET', key, field, value) end
    redis.call('PEXPIRE', key, op.ttl)
  elseif op.op == 'xadd' then
    if op.maxLen then
      redis.call('XADD', key, 'MAXLEN', '~', op.maxLen, '*', 'entry', op.body)
    else
      redis.call('XADD', key, '*', 'entry', op.body)
    end
    redis.call('PEXPIRE', key, op.ttl)
  end
end
return { 1, epoch, 0 }
