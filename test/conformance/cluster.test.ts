import { clusterHarness } from './harness.js';
import { conformanceSuite } from './suite.js';

conformanceSuite(clusterHarness);
