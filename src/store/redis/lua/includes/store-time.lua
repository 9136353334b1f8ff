-- The store's clock (the server's), ms.
local function storeTimeMs()
  local t = redis.call('TIME')
  return t[1] * 1000 + math.floor(t[2] / 1000)
end
