-- Each key Rendezvous names holds one type. One of another type was made by hand or by someone who
-- can write to Redis without the secret: it is deleted (nothing of ours is in it), and the caller
-- counts it, so that one forged key stops nothing for good. Returns 1 when it deleted the key.
local function ownKey(key, kind)
  local found = redis.call('TYPE', key)['ok']
  if found == 'none' or found == kind then return 0 end
  redis.call('DEL', key)
  return 1
end
