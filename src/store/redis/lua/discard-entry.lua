-- Removes one entry from an inbox: acknowledged in the group and deleted.
-- KEYS[1] inbox stream; ARGV[1] consumer group, ARGV[2] entry id
redis.pcall('XACK', KEYS[1], ARGV[1], ARGV[2])
return redis.call('XDEL', KEYS[1], ARGV[2])
