import { logStoreFailure } from '../../store/store-failure-log.js';
import type { ElectionContext } from './context.js';
import { believedLeader } from './lease-verdict.js';
import type { ActiveWorker, GlobalCoordinatorMetrics } from './types.js';

type MembershipMetrics = Pick<GlobalCoordinatorMetrics, 'heartbeatCount' | 'lastHeartbeatTime' | 'workerRegistrations' | 'workerTimeouts'>;

/**
 * This worker's entry in the namespace's worker list: a heartbeat every heartbeatIntervalMs while
 * its run lasts (which also drops workers silent for workerTimeoutMs), and its removal at stop.
 */
export class WorkerMembership {
  readonly #ctx: ElectionContext;
  /** The plugins this worker runs, listed with it. */
  readonly #plugins: () => string[];
  /** Whether run `generation` of the worker is still the current one. */
  readonly #isCurrent: (generation: number) => boolean;
  #startTime = 0;
  #timer: NodeJS.Timeout | undefined;
  /** The heartbeat being written, if any: a stop lets it land before it removes the worker. */
  #beating: Promise<boolean> | undefined;
  readonly #counts: MembershipMetrics = { heartbeatCount: 0, lastHeartbeatTime: 0, workerRegistrations: 0, workerTimeouts: 0 };

  constructor(ctx: ElectionContext, plugins: () => string[], isCurrent: (generation: number) => boolean) {
    this.#ctx = ctx;
    this.#plugins = plugins;
    this.#isCurrent = isCurrent;
  }

  get metrics(): MembershipMetrics {
    return { ...this.#counts };
  }

  /** The heartbeat being written, if any. */
  get beating(): Promise<boolean> | undefined {
    return this.#beating;
  }

  /** Run `generation` joins the list: its first heartbeat, then one every interval while the run lasts. */
  async join(generation: number): Promise<void> {
    this.#startTime = Date.now();
    if (await this.#beat(generation)) {
      this.#counts.workerRegistrations += 1;
      this.#ctx.diag('Worker registered');
    }
  }

  /** No further heartbeat is scheduled; one being written still lands (see `beating`). */
  stopBeating(): void {
    clearTimeout(this.#timer);
  }

  /** Removes this worker from the list. */
  async leave(): Promise<void> {
    await this.#ctx.store.removeWorker(this.#ctx.namespace, this.#ctx.workerId).catch(() => undefined);
  }

  /** The workers heard from within workerTimeoutMs, and which of them holds the lease (by a record whose seal verifies). */
  async list(): Promise<ActiveWorker[]> {
    const { store, namespace, config } = this.#ctx;
    const [workers, leader] = await Promise.all([store.listWorkers(namespace, config.workerTimeoutMs), believedLeader(this.#ctx)]);
    return workers.map((w) => ({ ...w, isLeader: w.workerId === leader }));
  }

  /** One heartbeat, tracked so that a stop lets it land before removing the worker. */
  #beat(generation: number): Promise<boolean> {
    const beat = this.#heartbeat(generation);
    this.#beating = beat;
    void beat.finally(() => {
      if (this.#beating === beat) this.#beating = undefined;
    });
    return beat;
  }

  /** One heartbeat, then the next is scheduled while the run lasts; true when it was stored. */
  async #heartbeat(generation: number): Promise<boolean> {
    const { store, namespace, workerId, config, logger } = this.#ctx;
    let stored = false;
    try {
      const removed = await store.touchWorker(namespace, { workerId, startTime: this.#startTime, plugins: this.#plugins() }, config.workerTimeoutMs);
      this.#counts.heartbeatCount += 1;
      this.#counts.lastHeartbeatTime = Date.now();
      this.#counts.workerTimeouts += removed.length;
      if (removed.length > 0) this.#ctx.diag(`Worker timeout: ${removed.length} workers`);
      this.#ctx.diag('Heartbeat cycle executed', 'debug');
      stored = true;
    } catch (error) {
      logStoreFailure(logger, { err: error }, 'Failed to register worker');
    }
    if (this.#isCurrent(generation)) this.#timer = setTimeout(() => void this.#beat(generation), config.heartbeatIntervalMs);
    return stored;
  }
}
