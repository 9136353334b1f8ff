import { createHash } from 'node:crypto';
import { keys } from '../../protocol/keys.js';
import type { FencedOp } from '../../store/lease-types.js';
import type { SupervisorContext } from './context.js';
import { findCycles } from './wait-for-graph.js';

/** A fenced write of the supervisors' term `epoch` in the slot `tag` (GlobalCoordinator.fenced). */
export type FencedWrite = (epoch: number, ops: readonly FencedOp[], tag: string) => Promise<boolean>;

/**
 * Deadlock detection: the wait-for graph of a swarm's live coordinators (whom each waits for, by
 * its heartbeat and recorded activity), each cycle reported once. The report is recorded, fenced
 * by the term, so a supervisor failover does not report it again.
 */
export class Deadlocks {
  readonly #ctx: SupervisorContext;
  readonly #fenced: FencedWrite;
  #detected = 0;

  constructor(ctx: SupervisorContext, fenced: FencedWrite) {
    this.#ctx = ctx;
    this.#fenced = fenced;
  }

  get detected(): number {
    return this.#detected;
  }

  /** Reports each new cycle of `waits` (live coordinator -> the coordinators it waits for). */
  async detect(swarmId: string, waits: ReadonlyMap<string, ReadonlySet<string>>, epoch: number): Promise<void> {
    const { store, config, emit } = this.#ctx;
    for (const cycle of findCycles(waits)) {
      const key = keys.deadlock(swarmId, createHash('sha256').update(cycle.join(' ')).digest('hex').slice(0, 32));
      const [reported] = await store.readStrings([key]);
      if (reported !== null) continue;
      const record: FencedOp = { op: 'set', key, value: JSON.stringify({ cycle, swarmId }), ttlMs: config.deadlockRecordTtlMs };
      if (!(await this.#fenced(epoch, [record], swarmId))) continue;
      this.#detected += 1;
      emit('deadlock:detected', { cycle, swarmId });
    }
  }
}
