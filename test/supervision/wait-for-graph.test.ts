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
