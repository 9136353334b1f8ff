import { pauseBeforeRetry } from '../../core/retry-pause.js';
import { logStoreFailure } from '../../store/store-failure-log.js';
import type { ElectionContext } from './context.js';
import type { LeaderView } from './leader-view.js';
import type { Leadership } from './leadership.js';
import type { LeaderChangedEvent } from './types.js';

/** Leadership events taken from the store per read. */
const EVENTS_PER_READ = 50;

export interface CampaignDeps {
  leadership: Leadership;
  view: LeaderView;
  /** Whether run `generation` of the worker is still the current one. */
  isCurrent(generation: number): boolean;
  /** This worker took the lease: term `epoch` begins. */
  elected(epoch: number, event: LeaderChangedEvent): void;
}

/**
 * The election loop of one worker: it tries to take the lease when nobody holds it, and otherwise
 * blocks on the namespace's leadership events (no polling), so a released lease is taken within
 * milliseconds and an expired one when it expires. Another worker's term, once seen, ends mine.
 */
export class Campaign {
  readonly #ctx: ElectionContext;
  readonly #deps: CampaignDeps;
  #elections = 0;
  /** Remaining lease of the current holder when last read, ms. */
  #leaseTtl = 0;
  #eventsCursor = '0-0';
  /** Ends the current wait for leadership events. */
  #readAbort = new AbortController();

  constructor(ctx: ElectionContext, deps: CampaignDeps) {
    this.#ctx = ctx;
    this.#deps = deps;
  }

  /** Attempts to take the lease so far. */
  get elections(): number {
    return this.#elections;
  }

  /** Ends the current wait for events: a worker that stepped down competes again at once. */
  interrupt(): void {
    this.#readAbort.abort();
  }

  /** One attempt to take the lease for run `generation`; taken after that run was stopped, it is given back. */
  async tryAcquire(generation: number): Promise<void> {
    const { store, namespace, holder, config } = this.#ctx;
    const { leadership, view } = this.#deps;
    this.#elections += 1;
    const sentAt = performance.now();
    const result = await store.acquireLease(namespace, holder, leadership.epoch, config.leaseTimeoutMs, view.highest);
    this.#eventsCursor = result.eventsCursor;
    this.#leaseTtl = result.ttlMs;
    if (result.acquired && !this.#deps.isCurrent(generation)) {
      await leadership.release(result.epoch); // stopped meanwhile
      return;
    }
    if (!result.acquired) return view.observe(result.holder, result.epoch);
    const previous = view.leader;
    leadership.begin(result.epoch, sentAt);
    view.observe(this.#ctx.workerId, result.epoch);
    this.#deps.elected(result.epoch, view.event(previous, this.#ctx.workerId, result.epoch));
  }

  /** The loop of run `generation`, until `signal` aborts: compete when nobody leads, else wait for events. */
  async watch(signal: AbortSignal, generation: number): Promise<void> {
    const { store, namespace, config, logger } = this.#ctx;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (this.#deps.leadership.epoch === 0) await this.tryAcquire(generation);
        // Block until something happens or the current lease could have expired.
        const blockMs = this.#deps.leadership.epoch > 0 ? config.leaseTimeoutMs : Math.max(1, this.#leaseTtl + 1);
        this.#readAbort = new AbortController();
        const read = AbortSignal.any([signal, this.#readAbort.signal]);
        const events = await store.readLeaseEvents(namespace, this.#eventsCursor, { count: EVENTS_PER_READ, blockMs, signal: read });
        failures = 0;
        for (const event of events) {
          this.#eventsCursor = event.entryId;
          this.#onEvent(event.body);
        }
      } catch (error) {
        failures += 1;
        if (!signal.aborted) logStoreFailure(logger, { err: error, failures }, 'election cycle failed; retrying');
        await pauseBeforeRetry(failures, signal, store.breaker);
      }
    }
  }

  #onEvent(body: string | null): void {
    let event: { event?: string; workerId?: string; epoch?: number };
    try {
      event = JSON.parse(body ?? '') as typeof event;
    } catch {
      return;
    }
    if (typeof event.workerId !== 'string' || typeof event.epoch !== 'number') return;
    const { leadership, view } = this.#deps;
    if (event.event === 'acquired' && !(event.workerId === this.#ctx.workerId && event.epoch === leadership.epoch)) {
      // Someone else's term (a twin with this worker id included): whatever this worker thought, it does not lead.
      leadership.stepDown('another worker took the lease');
      view.observe(event.workerId, event.epoch);
    } else if (event.event === 'released' && event.workerId !== this.#ctx.workerId) {
      view.observe(null, event.epoch);
      this.#leaseTtl = 0;
    }
  }
}
