-- The length of each inbox (XLEN), 0 for a missing one or a key of another type in its place.
-- KEYS: inbox streams, all of one swarm (one slot)
local lengths = {}
for i = 1, #KEYS do
  local n = redis.pcall('XLEN', KEYS[i])
  if type(n) ~= 'number' then n = 0 end
  lengths[i] = n
end
return lengths
