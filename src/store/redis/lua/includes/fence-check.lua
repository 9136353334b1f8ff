-- The fencing token of the supervisor's writes: per slot (its fence key), the highest epoch that
-- wrote there. A write of an older term, or of epoch 0 (no term at all), is refused. A fence that
-- holds no epoch (written by hand) counts as absent and is replaced by the next write.
-- The memory store's copy of this check: src/store/memory/fence.ts.
--- @include "epoch-value"

-- The epoch that keeps `epoch` from writing (0 when it is no term), or nil when it may write.
local function fencedOutBy(fenceKey, epoch)
  if epoch < 1 then return 0 end
  local seen = epochIn(fenceKey)
  if epoch < seen then return seen end
  return nil
end

-- Records that `epoch` wrote into the slot (for `ttl` ms): older terms are out from now on.
local function holdFence(fenceKey, epoch, ttl)
  redis.call('SET', fenceKey, epoch, 'PX', ttl)
end
