import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallBatch } from '../../src/store/redis/call-batch.js';

test('calls made in the same turn go as one run per group, each with its own outcome', async () => {
  const runs: string[][] = [];
  const batch = new CallBatch<string, string>(
    async (inputs) => {
      runs.push(inputs);
      return inputs.map((input) => (input.endsWith('!') ? new Error(`${input} failed`) : input.toUpperCase()));
    },
    (input) => input[0]!,
  );
  const outcomes = await Promise.allSettled(['a1', 'b1', 'a2!', 'a3'].map((input) => batch.add(input)));
  assert.deepEqual(runs, [['a1', 'a2!', 'a3'], ['b1']]);
  assert.deepEqual(
    outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message)),
    ['A1', 'B1', 'a2! failed', 'A3'],
  );
  assert.equal(await batch.add('a4'), 'A4', 'a later call goes on its own');
  assert.deepEqual(runs.at(-1), ['a4']);
});

test('a failed run fails its callers only; the next run goes on', async () => {
  let runs = 0;
  const batch = new CallBatch<number, number>(
    async (inputs) => {
      runs += 1;
      if (inputs.includes(0)) throw new Error('connection lost');
      return inputs.map((n) => n * 2);
    },
    () => 'all',
  );
  assert.deepEqual(await Promise.all([batch.add(1), batch.add(2)]), [2, 4]);
  assert.equal(runs, 1);
  await assert.rejects(Promise.all([batch.add(0), batch.add(5)]), /connection lost/);
  assert.equal(runs, 2, 'the failing call and the one beside it shared a run');
  assert.equal(await batch.add(3), 6);
});
