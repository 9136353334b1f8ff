import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActionBudget } from '../../src/supervision/supervisor/budget.js';

test('at most perCheck a check and perWindow in any window; what does not fit is counted, and fits again once the window moves', () => {
  let now = 0;
  const budget = new ActionBudget({ perCheck: 3, perWindow: 5, windowMs: 1_000 }, () => now);
  const take = (n: number) => Array.from({ length: n }, () => budget.take()).filter(Boolean).length;
  budget.beginCheck();
  assert.equal(take(10), 3, 'the per-check cap');
  assert.equal(budget.capped, 7);
  now = 100;
  budget.beginCheck();
  assert.equal(take(10), 2, 'the window holds 5');
  now = 999;
  budget.beginCheck();
  assert.equal(take(10), 0, 'still within the window of the first three');
  now = 1_000;
  budget.beginCheck();
  assert.equal(take(10), 3, 'the first three have left the window');
  now = 1_100;
  budget.beginCheck();
  assert.equal(take(10), 2);
  assert.equal(budget.capped, 7 + 8 + 10 + 7 + 8);
});

test('a refunded action gives its allowance back; countCapped counts without asking', () => {
  const budget = new ActionBudget({ perCheck: 1, perWindow: 1, windowMs: 1_000 }, () => 0);
  assert.equal(budget.take(), true);
  budget.refund();
  assert.equal(budget.available(), true);
  assert.equal(budget.take(), true);
  assert.equal(budget.available(), false);
  budget.countCapped(4);
  assert.equal(budget.capped, 4);
});
