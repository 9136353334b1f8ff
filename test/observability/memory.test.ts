import { after } from 'node:test';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { memoryAccess } from '../support/raw-access.js';
import { metricsSuite } from './suite.js';

const store = new MemoryStore();
after(() => store.close());
metricsSuite('memory', () => store, () => memoryAccess(store));
