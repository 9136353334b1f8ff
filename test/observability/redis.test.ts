import { usePrivateRedis } from '../support/private-redis.js';
import { metricsSuite } from './suite.js';

const redis = usePrivateRedis();
metricsSuite('redis', () => redis.store);
