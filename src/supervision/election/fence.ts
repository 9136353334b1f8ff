import { MAX_EPOCH_LEAP } from '../../protocol/election-seal.js';
import { InvalidConfigError } from '../../protocol/errors.js';
import { globalKeys, hashTagOf } from '../../protocol/keys.js';
import type { FencedOp, FencedResult } from '../../store/lease-types.js';
import type { ElectionContext } from './context.js';
import type { GlobalCoordinatorMetrics } from './types.js';

type FenceMetrics = Pick<GlobalCoordinatorMetrics, 'fencedWrites' | 'fencedRejections'>;

export interface FenceDeps {
  /** Whether this worker leads now in term `epoch`. */
  leads(epoch: number): boolean;
  /** The newest epoch this worker knows of, for the log line of a refusal. */
  knownEpoch(): number;
  /** The fence of slot `tag` holds `fence`, above this worker's term `epoch`: lead again above it. */
  fenceAbove(epoch: number, fence: number, tag: string): void;
}

/**
 * Writes a leader makes only while its term lasts: checked here against this worker's own term,
 * and again by the store inside the same atomic operation (the fencing token), so a deposed
 * leader's late writes are refused whatever it believes. A fence above the term of a worker that
 * still leads is either a term this worker does not know of (the counter was lost while the
 * fence survived, in another slot) or written by hand: this worker leads again above it, unless
 * it is further above than any term can be, in which case it replaces it.
 */
export class Fence {
  readonly #ctx: ElectionContext;
  readonly #deps: FenceDeps;
  readonly #electionKeys: ReadonlySet<string>;
  readonly #counts: FenceMetrics = { fencedWrites: 0, fencedRejections: 0 };

  constructor(ctx: ElectionContext, deps: FenceDeps) {
    this.#ctx = ctx;
    this.#deps = deps;
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
    if (!this.#deps.leads(epoch)) return this.#refused(epoch, this.#deps.knownEpoch());
    let result = await store.fencedWrite(namespace, tag, epoch, ops);
    if (this.#fenceAbove(epoch, result)) {
      if (result.currentEpoch - epoch > MAX_EPOCH_LEAP) {
        this.#ctx.forgeries.fence('implausible fence: replaced', { tag, epoch, fence: result.currentEpoch });
        result = await store.fencedWrite(namespace, tag, epoch, ops, { replaceFence: result.currentEpoch });
      } else {
        this.#deps.fenceAbove(epoch, result.currentEpoch, tag);
      }
    }
    if (!result.applied) return this.#refused(epoch, result.currentEpoch);
    this.#counts.fencedWrites += 1;
    return true;
  }

  /** Whether a fence refused a term this worker still leads. */
  #fenceAbove(epoch: number, result: FencedResult): boolean {
    return !result.applied && result.refusedBy === 'fence' && this.#deps.leads(epoch);
  }

  #refused(epoch: number, currentEpoch: number): false {
    this.#counts.fencedRejections += 1;
    this.#ctx.logger.warn({ epoch, currentEpoch }, 'fenced write rejected: not the current term');
    return false;
  }
}
