import { pauseBeforeRetry } from '../../core/retry-pause.js';
import { logStoreFailure } from '../../store/store-failure-log.js';
import { MAX_EPOCH_LEAP } from '../../protocol/election-seal.js';
import type { LeaseClaim } from '../../store/lease-types.js';
import type { ElectionContext } from './context.js';
import type { LeaderView } from './leader-view.js';
import { judgeLease } from './lease-verdict.js';
import { LeaseWatch } from './lease-watch.js';
import type { Leadership } from './leadership.js';
import type { LeaseEvent } from './seals.js';
import type { LeaderChangedEvent } from './types.js';

/** Leadership events taken from the store per read. */
const EVENTS_PER_READ = 50;
/** Store calls of one attempt to take the lease: a proposal below the counter, then a takeover of a forgery. */
const CALLS_PER_ATTEMPT = 3;

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
 * Only sealed records and events are believed (seals.ts); a record that stays the same for a whole
 * lease has no live holder and is taken over, believed or not (lease-watch.ts).
 */
export class Campaign {
  readonly #ctx: ElectionContext;
  readonly #deps: CampaignDeps;
  readonly #watch: LeaseWatch;
  #elections = 0;
  /** performance.now() from which a follower tries to take the lease again (the lease read could have ended by then). */
  #retryAt = 0;
  /** The epoch counter as last read: a new term proposes an epoch above it and above every epoch seen. */
  #counter = 0;
  /** A counter value already reported as implausible. */
  #implausibleCounter = 0;
  #eventsCursor = '0-0';
  /** Ends the current wait for leadership events. */
  #readAbort = new AbortController();

  constructor(ctx: ElectionContext, deps: CampaignDeps) {
    this.#ctx = ctx;
    this.#deps = deps;
    this.#watch = new LeaseWatch(ctx.config.leaseTimeoutMs);
  }

  /** Attempts to take the lease so far. */
  get elections(): number {
    return this.#elections;
  }

  /** Ends the current wait for events: a worker that stepped down competes again at once. */
  interrupt(): void {
    this.#retryAt = 0;
    this.#readAbort.abort();
  }

  /** One attempt to take the lease for run `generation`; taken after that run was stopped, it is given back. */
  async tryAcquire(generation: number): Promise<void> {
    const { store, namespace, forgeries, seals } = this.#ctx;
    const { leadership, view } = this.#deps;
    this.#elections += 1;
    let replace: string | undefined;
    for (let call = 0; call < CALLS_PER_ATTEMPT; call++) {
      const claim = this.#claim(replace);
      const sentAt = performance.now();
      const result = await store.acquireLease(namespace, claim);
      this.#eventsCursor = result.eventsCursor;
      this.#counter = result.counter;
      if (result.acquired) {
        this.#watch.reset();
        if (!this.#deps.isCurrent(generation)) return void (await leadership.release(claim.epoch)); // stopped meanwhile
        const previous = view.leader;
        leadership.begin(claim.epoch, sentAt);
        view.observe(this.#ctx.workerId, claim.epoch);
        this.#deps.elected(claim.epoch, view.event(previous, this.#ctx.workerId, claim.epoch));
        return;
      }
      const reading = this.#watch.read(result, judgeLease(seals, result));
      if (reading.kind === 'free') continue; // the epoch proposed was not above the counter: again above it
      if (reading.kind === 'held') {
        view.observe(reading.lease.workerId, reading.lease.epoch);
        this.#retryAt = reading.recheckAt + 1;
        return;
      }
      const record = result.record!;
      forgeries.lease(record.digest, { reason: reading.reason, holder: record.workerId, epoch: record.epoch });
      this.#retryAt = reading.takeoverAt;
      if (performance.now() < reading.takeoverAt) return;
      replace = record.digest; // unchanged for a whole lease: take it over, if it is still this one
    }
  }

  /** The loop of run `generation`, until `signal` aborts: compete when nobody leads, else wait for events. */
  async watch(signal: AbortSignal, generation: number): Promise<void> {
    const { store, namespace, config, logger } = this.#ctx;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (this.#deps.leadership.epoch === 0 && performance.now() >= this.#retryAt) await this.tryAcquire(generation);
        // Block until something happens or the lease read could have ended.
        const blockMs = this.#deps.leadership.epoch > 0 ? config.leaseTimeoutMs : Math.max(1, Math.ceil(this.#retryAt - performance.now()));
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

  /** What this worker asks for: a term above the counter and above every epoch it has seen, sealed. */
  #claim(replace: string | undefined): LeaseClaim {
    const { holder, config, seals, forgeries } = this.#ctx;
    const highest = this.#deps.view.highest;
    let counter = this.#counter;
    let resetCounter: number | undefined;
    if (counter > highest + MAX_EPOCH_LEAP) {
      // No term can have set it: written by hand (an attacker, or a mistake). Not followed, and replaced.
      if (counter !== this.#implausibleCounter) forgeries.counter({ counter, highest });
      this.#implausibleCounter = counter;
      resetCounter = counter;
      counter = 0;
    }
    const epoch = Math.max(counter, highest) + 1;
    const leaseMs = config.leaseTimeoutMs;
    return {
      worker: holder,
      knownEpoch: this.#deps.leadership.epoch,
      epoch,
      leaseMs,
      seal: seals.lease({ ...holder, epoch, leaseMs, renewal: 0 }),
      eventSeal: seals.event('acquired', holder.workerId, epoch),
      ...(replace === undefined ? {} : { replace }),
      ...(resetCounter === undefined ? {} : { resetCounter }),
    };
  }

  /** A leadership event: believed only when sealed; only a newer term than mine ends it. */
  #onEvent(body: string | null): void {
    const checked = this.#ctx.seals.verifyEvent(body);
    if (!checked.ok) return this.#ctx.forgeries.event({ reason: checked.reason });
    const event = checked.value;
    if (this.#deps.leadership.epoch > 0) this.#whileLeading(event);
    else this.#whileFollowing(event);
  }

  #whileLeading({ event, workerId, epoch }: LeaseEvent): void {
    const { leadership, view } = this.#deps;
    if (epoch > leadership.epoch) {
      // A newer term (a twin with this worker id included): whatever this worker thought, it does not lead.
      leadership.stepDown('another worker took the lease');
      view.observe(event === 'acquired' ? workerId : null, epoch);
      return;
    }
    const mine = workerId === this.#ctx.workerId && epoch === leadership.epoch;
    // Sealed, but of a term no newer than mine and not mine: a copy of an old event written again.
    if (!mine) this.#ctx.forgeries.event({ reason: 'replayed', event, workerId, epoch });
  }

  #whileFollowing({ event, workerId, epoch }: LeaseEvent): void {
    const { view } = this.#deps;
    if (epoch < view.epoch) return; // an older term's: the lease read at the next attempt tells the truth
    view.observe(event === 'acquired' ? workerId : null, epoch);
    this.#retryAt = 0; // read the new lease (and its time left), or take the released one
  }
}
