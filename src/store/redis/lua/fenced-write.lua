-- Applies a leader's writes only while its epoch may write: not below the highest epoch that
-- already wrote into this slot (a fencing token), and, when the fence is in the namespace's own
-- slot (KEYS[2] given), equal to the lease's current epoch.
-- KEYS[1] fence key, KEYS[2] leader hash or the fence key again (other slot), KEYS[3..] written keys
-- ARGV[1] epoch, ARGV[2] fence ttl ms, ARGV[3] '1' to check the lease, ARGV[4] ops JSON:
--   [{op='set',k=i,value,ttl},{op='del',k=i},{op='hset',k=i,fields,ttl},{op='xadd',k=i,body,maxLen,ttl}]
--   where k is the index of the key in KEYS.
-- Returns { applied (0|1), epoch that decided }.
--- @include "fence-check"
local epoch = tonumber(ARGV[1])
local blocker = fencedOutBy(KEYS[1], epoch)
if blocker ~= nil then return { 0, blocker } end
if ARGV[3] == '1' then
  local current = tonumber(redis.call('HGET', KEYS[2], 'epoch') or '0')
  if current ~= epoch then return { 0, current } end
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
return { 1, epoch }
