import { redisHarness } from './harness.js';
import { conformanceSuite } from './suite.js';

conformanceSuite(redisHarness);
