-- Records one work item of a coordinator and refreshes the lifetime of its work hash.
-- KEYS[1] work hash; ARGV[1] task id, ARGV[2] item JSON, ARGV[3] ttl ms
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return redis.call('PEXPIRE', KEYS[1], ARGV[3])
