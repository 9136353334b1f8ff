import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findCycles } from '../../src/supervision/supervisor/wait-for-graph.js';

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges).map(([from, to]) => [from, new Set(to)]));

test('finds each cycle once, starting at its smallest id; chains give none', () => {
  assert.deepEqual(findCycles(graph({ b: ['c'], c: ['a'], a: ['b'] })), [['a', 'b', 'c']]);
  assert.deepEqual(findCycles(graph({ p: ['q'], q: ['r'], r: [] })), []);
  assert.deepEqual(findCycles(graph({ p: ['q'], q: ['r'] })), [], 'a node that waits for an unknown one is a chain');
  assert.deepEqual(findCycles(graph({ a: ['a'] })), [['a']]);
  const two = findCycles(graph({ a: ['b'], b: ['a'], x: ['y'], y: ['z'], z: ['x'], q: ['a'] }));
  assert.deepEqual(two.map((c) => c.join('>')).sort(), ['a>b', 'x>y>z']);
});

test('a forged chain of 200,000 coordinators neither overflows the stack nor hides the cycle at its end', () => {
  const ids = Array.from({ length: 200_000 }, (_, i) => `c${String(i).padStart(6, '0')}`);
  const edges = new Map(ids.map((id, i) => [id, new Set([ids[i + 1] ?? ids[199_990]!])]));
  const cycles = findCycles(edges);
  assert.equal(cycles.length, 1);
  assert.deepEqual(cycles[0], ids.slice(199_990));
});
