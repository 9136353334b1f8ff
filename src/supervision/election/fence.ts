import { InvalidConfigError } from '../../protocol/errors.js';
import { globalKeys, hashTagOf } from '../../protocol/keys.js';
import type { FencedOp } from '../../store/lease-types.js';
import type { ElectionContext } from './context.js';
import type { GlobalCoordinatorMetrics } from './types.js';

type FenceMetrics = Pick<GlobalCoordinatorMetrics, 'fencedWrites' | 'fencedRejections'>;

/**
 * Writes a leader makes only while its term lasts: checked here against this worker's own term,
 * and again by the store inside the same atomic operation (the fencing token), so a deposed
 * leader's late writes are refused whatever it believes.
 */
export class Fence {
  readonly #ctx: ElectionContext;
  /** Whether this worker leads now in term `epoch`. */
  readonly #leads: (epoch: number) => boolean;
  /** The newest epoch this worker knows of, for the log line of a refusal. */
  readonly #knownEpoch: () => number;
  readonly #electionKeys: ReadonlySet<string>;
  readonly #counts: FenceMetrics = { fencedWrites: 0, fencedRejections: 0 };

  constructor(ctx: ElectionContext, leads: (epoch: number) => boolean, knownEpoch: () => number) {
    this.#ctx = ctx;
    this.#leads = leads;
    this.#knownEpoch = knownEpoch;
    this.#electionKeys = new Set(Object.values(globalKeys).map((key) => key(ctx.namespace, ctx.namespace)));
  }

  get metrics(): FenceMetrics {
    return { ...this.#counts };
  }

  /**
   * Performs `ops` only while `epoch` may write: in the namespace's slot (the default) it must be
   * the current term; in another slot (`tag`, e.g. a swarm) no newer term may have written there.
   * Returns whether it was applied.
   */
  async write(epoch: number, ops: readonly FencedOp[], options: { tag?: string } = {}): Promise<boolean> {
    const { store, namespace } = this.#ctx;
    const tag = options.tag ?? namespace;
    for (const { key } of ops) {
      if (hashTagOf(key) !== tag) throw new InvalidConfigError(`fenced key ${key} is not in the slot {${tag}}`);
      if (this.#electionKeys.has(key)) throw new InvalidConfigError(`fenced writes may not touch the election's own key ${key}`);
    }
    // Only this worker's own, still certain term writes; the store then checks the term again, atomically.
    if (!this.#leads(epoch)) return this.#refused(epoch, this.#knownEpoch());
    const result = await store.fencedWrite(namespace, tag, epoch, ops);
    if (!result.applied) return this.#refused(epoch, result.currentEpoch);
    this.#counts.fencedWrites += 1;
    return true;
  }

  #refused(epoch: number, currentEpoch: number): false {
    this.#counts.fencedRejections += 1;
    this.#ctx.logger.warn({ epoch, currentEpoch }, 'fenced write rejected: not the current term');
    return false;
  }
}
