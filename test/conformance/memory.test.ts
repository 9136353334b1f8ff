import { memoryHarness } from './harness.js';
import { conformanceSuite } from './suite.js';

conformanceSuite(memoryHarness);
