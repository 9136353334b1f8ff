-- Removes a worker that stops gracefully.
-- KEYS[1] workers sorted set, KEYS[2] worker info hash; ARGV[1] worker id
redis.call('ZREM', KEYS[1], ARGV[1])
return redis.call('HDEL', KEYS[2], ARGV[1])
