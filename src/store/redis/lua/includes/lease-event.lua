-- A leadership event's JSON: {"event","workerId","epoch","seal"}. Written out rather than by
-- cjson, whose numbers keep 14 digits: the epoch is the caller's digits, exactly as it sealed them.
local function leaseEvent(kind, workerId, epochDigits, seal)
  return '{"event":' .. cjson.encode(kind) .. ',"workerId":' .. cjson.encode(workerId) .. ',"epoch":' .. epochDigits ..
    ',"seal":' .. cjson.encode(seal) .. '}'
end
