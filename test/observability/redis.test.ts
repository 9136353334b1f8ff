import { usePrivateRedis } from '../support/private-redis.js';
import { redisAccess } from '../support/raw-access.js';
import { metricsSuite } from './suite.js';

const redis = usePrivateRedis();
metricsSuite('redis', () => redis.store, () => redisAccess(redis.admin));
