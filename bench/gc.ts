import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// `npm run bench` runs under tsx without --expose-gc; the flag can still be set at run time, and
// a fresh context then sees the gc function.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as (options?: { type: 'major'; execution: 'sync' }) => void;

/** heapUsed after full garbage collections (repeated until it stops shrinking, at most 5). */
export function settledHeapUsed(): number {
  let last = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i += 1) {
    collect();
    const used = process.memoryUsage().heapUsed;
    if (used >= last - 1_024) return Math.min(used, last);
    last = used;
  }
  return last;
}
