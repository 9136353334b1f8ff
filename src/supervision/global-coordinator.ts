import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidConfigError } from '../protocol/errors.js';
import { assertId } from '../protocol/ids.js';
import { globalKeys, hashTagOf } from '../protocol/keys.js';
import type { Logger } from '../protocol/logger.js';
import { pauseBeforeRetry } from '../core/retry-pause.js';
import { emitSafely } from '../core/safe-emit.js';
import { defaultLogger } from '../store/default-logger.js';
import type { FencedOp, LeaseHolder } from '../store/lease-types.js';
import type { LeaseStore as Store } from '../store/port.js';
import { resolveGlobalConfig, type GlobalCoordinatorConfig, type GlobalCoordinatorOptions } from './global-config.js';
import type { ActiveWorker, CoordinatorPlugin, GlobalCoordinatorMetrics, LeaderChangedEvent } from './global-types.js';

interface Events {
  'leader:changed': [event: LeaderChangedEvent];
  /** This worker renewed its lease (same epoch). */
  'lease:renewed': [event: { namespace: string; epoch: number }];
}

interface Subscription {
  plugin: CoordinatorPlugin;
  /** Aborts the plugin's leader work of the current term. */
  work?: AbortController;
  /**
   * Settles when the plugin's leader work has ended: each term's loop starts after the previous
   * one's (of this plugin, or of the one it replaced) has ended, so two runs never overlap.
   */
  running?: Promise<void> | undefined;
}

/**
 * A namespaced leader election on the Store port. The lease lives in the store and expires there
 * (store clock); the epoch rises by one with every new term and fences the leader's writes. A
 * leader counts itself leader only until its last confirmed renewal plus the lease minus a
 * safety margin, on the monotonic clock, and steps down at once when a renewal fails or the store
 * connection drops. Followers block on the namespace's leadership events: a released lease is
 * taken within milliseconds, an expired one when it expires.
 */
export class GlobalCoordinator extends EventEmitter<Events> {
  readonly namespace: string;
  readonly workerId: string;
  readonly config: GlobalCoordinatorConfig;
  readonly #store: Store;
  readonly #logger: Logger;
  /** This process's instance of the worker id: a twin with the same id is a different holder. */
  readonly #holder: LeaseHolder;
  readonly #plugins = new Map<string, Subscription>();
  readonly #metrics: GlobalCoordinatorMetrics = {
    heartbeatCount: 0,
    electionCount: 0,
    leaderChanges: 0,
    lastHeartbeatTime: 0,
    workerRegistrations: 0,
    workerTimeouts: 0,
    renewFailures: 0,
    fencedWrites: 0,
    fencedRejections: 0,
  };
  #running = false;
  #stop = new AbortController();
  #watching: Promise<void> | undefined;
  #startTime = 0;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  /** The worker heartbeat being written, if any: stop() lets it land before it removes the worker. */
  #beating: Promise<boolean> | undefined;
  /** A stop() in progress: start() waits for it. */
  #stopping: Promise<void> | undefined;
  /** A start() in progress (its first heartbeat and election): stop() waits for it. */
  #starting: Promise<void> | undefined;
  /** What the last call asked for: a start() waiting for a stop gives up if stop() is called again. */
  #wanted = false;
  /** Runs of unsubscribed plugins still ending: the same name subscribed again starts after them. */
  readonly #ending = new Map<string, Promise<void>>();
  #renewTimer: NodeJS.Timeout | undefined;
  #validityTimer: NodeJS.Timeout | undefined;
  #unwatchConnection: (() => void) | undefined;
  /** My epoch while I lead, else 0. */
  #leaderEpoch = 0;
  /** performance.now() until which my leadership is certain. */
  #leaderUntil = 0;
  #knownLeader: string | null = null;
  #knownEpoch = 0;
  /** Remaining lease of the current holder when last read, ms. */
  #leaseTtl = 0;
  #eventsCursor = '0-0';
  /** Ends the current wait for leadership events (a step-down should compete again at once). */
  #readAbort = new AbortController();
  readonly #electionKeys: ReadonlySet<string>;
  /** Bumped by every start() and stop(): work of an older run stops rescheduling itself. */
  #generation = 0;

  constructor(store: Store, namespace: string, options: GlobalCoordinatorOptions & { logger?: Logger; workerId?: string } = {}) {
    super();
    assertId(namespace, 'namespace');
    if (options.workerId !== undefined) assertId(options.workerId, 'coordinator id');
    this.namespace = namespace;
    this.config = resolveGlobalConfig(options);
    this.workerId = options.workerId ?? `gcs-${namespace}-${Date.now()}-${randomBytes(3).toString('hex')}`;
    this.#store = store;
    this.#holder = { workerId: this.workerId, instance: randomBytes(8).toString('hex') };
    this.#electionKeys = new Set(Object.values(globalKeys).map((key) => key(namespace, namespace)));
    this.#logger = (options.logger ?? defaultLogger()).child({ namespace, workerId: this.workerId });
  }

  get isRunning(): boolean {
    return this.#wanted;
  }

  get subscribedPlugins(): ReadonlyMap<string, CoordinatorPlugin> {
    return new Map([...this.#plugins].map(([name, s]) => [name, s.plugin]));
  }

  /** Whether this worker leads now: it holds the lease and its last renewal is recent enough. */
  isLeader(): boolean {
    return this.#leaderEpoch > 0 && performance.now() < this.#leaderUntil;
  }

  /** The epoch of the current term as this worker knows it. */
  getEpoch(): number {
    return this.#knownEpoch;
  }

  async getLeader(): Promise<string | null> {
    return (await this.#store.readLease(this.namespace)).holder;
  }

  async getActiveWorkers(): Promise<ActiveWorker[]> {
    const [workers, lease] = await Promise.all([this.#store.listWorkers(this.namespace, this.config.workerTimeout), this.#store.readLease(this.namespace)]);
    return workers.map((w) => ({ ...w, isLeader: w.workerId === lease.holder }));
  }

  getMetrics(): GlobalCoordinatorMetrics {
    return { ...this.#metrics };
  }

  async start(): Promise<void> {
    this.#wanted = true;
    if (this.#stopping) await this.#stopping;
    if (!this.#wanted) return; // stopped again while it waited
    if (this.#running) {
      this.#diag('Service already running');
      return this.#starting;
    }
    this.#running = true;
    const generation = ++this.#generation;
    const stop = new AbortController();
    this.#stop = stop;
    this.#startTime = Date.now();
    this.#unwatchConnection = this.#store.onConnectionChange((connected) => {
      if (!connected) this.#stepDown('store connection lost');
    });
    const starting = this.#begin(generation, stop.signal);
    this.#starting = starting;
    await starting;
    if (this.#starting === starting) this.#starting = undefined;
  }

  /** The first heartbeat and election attempt of run `generation`, then its election loop; a stop meanwhile ends it short. */
  async #begin(generation: number, signal: AbortSignal): Promise<void> {
    if (await this.#beat(generation)) {
      this.#metrics.workerRegistrations += 1;
      this.#diag('Worker registered');
    }
    if (generation !== this.#generation) return; // stopped meanwhile
    this.#diag('Service started');
    await this.#tryAcquire(generation).catch((error: unknown) => this.#logger.warn({ err: error }, 'first election failed; retrying'));
    if (generation !== this.#generation) return;
    this.#watching = this.#watch(signal, generation);
  }

  /** Stops leader work, releases the lease (another worker takes it at once) and leaves the worker list. */
  stop(): Promise<void> {
    this.#wanted = false;
    if (!this.#running) return this.#stopping ?? Promise.resolve();
    this.#running = false;
    const stopping = this.#halt().finally(() => {
      if (this.#stopping === stopping) this.#stopping = undefined;
    });
    this.#stopping = stopping;
    return stopping;
  }

  async #halt(): Promise<void> {
    this.#generation += 1;
    this.#stop.abort();
    clearTimeout(this.#heartbeatTimer);
    this.#unwatchConnection?.();
    await this.#starting; // sees the new generation: stops short, and gives back a lease it took
    const [watching, beating] = [this.#watching, this.#beating]; // this run's, not those of a start() that follows
    const epoch = this.#leaderEpoch;
    this.#stepDown('stopped');
    // The term's last writes finish before the lease is handed over, so a successor never overlaps them.
    await this.#runsEnded([...this.#plugins.values()].map((s) => s.running));
    if (epoch > 0) await this.#store.releaseLease(this.namespace, this.#holder, epoch).catch((error: unknown) => this.#logger.warn({ err: error }, 'could not release the lease; it expires'));
    await Promise.all([watching, beating]);
    await this.#store.removeWorker(this.namespace, this.workerId).catch(() => undefined);
    this.#diag('Service stopped');
  }

  /** Adds a plugin; if this worker leads already, it is told and its work starts at once. */
  async subscribePlugin(name: string, plugin: CoordinatorPlugin): Promise<void> {
    assertId(name, 'task id');
    const previous = this.#plugins.get(name);
    previous?.work?.abort();
    const subscription: Subscription = { plugin, running: previous?.running ?? this.#ending.get(name) }; // its work starts after the one before
    this.#plugins.set(name, subscription);
    this.#diag(`Plugin subscribed: ${name}`);
    if (this.isLeader()) this.#promote(name, subscription, this.#event(this.workerId, this.workerId, this.#leaderEpoch));
  }

  /** Removes a plugin and stops its leader work; settles when a run in progress has finished. */
  async unsubscribePlugin(name: string): Promise<void> {
    const subscription = this.#plugins.get(name);
    if (!subscription) return;
    subscription.work?.abort();
    this.#plugins.delete(name);
    const running = subscription.running;
    if (running) {
      this.#ending.set(name, running);
      void running.then(() => {
        if (this.#ending.get(name) === running) this.#ending.delete(name);
      });
    }
    await this.#runsEnded([running]);
  }

  /**
   * Waits for these (aborted) plugins' leader work to end, at most one lease: by then the term is
   * over in the store and fencing refuses whatever a run that ignores its signal still writes.
   */
  async #runsEnded(runs: readonly (Promise<void> | undefined)[]): Promise<void> {
    const running = runs.filter((run) => run !== undefined);
    if (running.length === 0) return;
    const bound = new AbortController();
    await Promise.race([Promise.all(running), sleep(this.config.leaseTimeout, undefined, { signal: bound.signal }).catch(() => undefined)]);
    bound.abort();
  }

  /** One worker heartbeat, tracked so that stop() lets it land before removing the worker. */
  #beat(generation: number): Promise<boolean> {
    const beat = this.#heartbeat(generation);
    this.#beating = beat;
    void beat.finally(() => {
      if (this.#beating === beat) this.#beating = undefined;
    });
    return beat;
  }

  /**
   * Performs `ops` only while `epoch` may write, checked inside the same atomic store operation:
   * in the namespace's slot (the default) it must be the current term; in another slot (`tag`,
   * e.g. a swarm) no newer term may have written there. Returns whether it was applied.
   */
  async fenced(epoch: number, ops: readonly FencedOp[], options: { tag?: string } = {}): Promise<boolean> {
    const tag = options.tag ?? this.namespace;
    for (const { key } of ops) {
      if (hashTagOf(key) !== tag) throw new InvalidConfigError(`fenced key ${key} is not in the slot {${tag}}`);
      if (this.#electionKeys.has(key)) throw new InvalidConfigError(`fenced writes may not touch the election's own key ${key}`);
    }
    // Only this worker's own, still certain term writes; the store then checks the term again, atomically.
    if (epoch !== this.#leaderEpoch || !this.isLeader()) return this.#fencedOut(epoch, this.#knownEpoch);
    const result = await this.#store.fencedWrite(this.namespace, tag, epoch, ops);
    if (!result.applied) return this.#fencedOut(epoch, result.currentEpoch);
    this.#metrics.fencedWrites += 1;
    return true;
  }

  #fencedOut(epoch: number, currentEpoch: number): false {
    this.#metrics.fencedRejections += 1;
    this.#logger.warn({ epoch, currentEpoch }, 'fenced write rejected: not the current term');
    return false;
  }

  async #watch(signal: AbortSignal, generation: number): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (this.#leaderEpoch === 0) await this.#tryAcquire(generation);
        // Block until something happens or the current lease could have expired: no polling.
        const blockMs = this.#leaderEpoch > 0 ? this.config.leaseTimeout : Math.max(1, this.#leaseTtl + 1);
        this.#readAbort = new AbortController();
        const read = AbortSignal.any([signal, this.#readAbort.signal]);
        const events = await this.#store.readLeaseEvents(this.namespace, this.#eventsCursor, { count: 50, blockMs, signal: read });
        failures = 0;
        for (const event of events) {
          this.#eventsCursor = event.id;
          this.#onEvent(event.body);
        }
      } catch (error) {
        failures += 1;
        if (!signal.aborted) this.#logger.warn({ err: error, failures }, 'election cycle failed; retrying');
        await pauseBeforeRetry(failures, signal);
      }
    }
  }

  /** One attempt to take the lease for run `generation`; taken after that run was stopped, it is given back. */
  async #tryAcquire(generation: number): Promise<void> {
    this.#metrics.electionCount += 1;
    const sentAt = performance.now();
    const result = await this.#store.acquireLease(this.namespace, this.#holder, this.#leaderEpoch, this.config.leaseTimeout);
    this.#eventsCursor = result.eventsCursor;
    this.#leaseTtl = result.ttlMs;
    if (result.acquired && generation !== this.#generation) {
      await this.#store.releaseLease(this.namespace, this.#holder, result.epoch); // stopped meanwhile
      return;
    }
    if (result.acquired) return this.#becomeLeader(result.epoch, sentAt);
    this.#observe(result.holder, result.epoch);
  }

  #becomeLeader(epoch: number, sentAt: number): void {
    const previous = this.#knownLeader;
    this.#leaderEpoch = epoch;
    this.#confirm(sentAt);
    this.#observe(this.workerId, epoch);
    const event = this.#event(previous, this.workerId, epoch);
    for (const [name, subscription] of this.#plugins) this.#promote(name, subscription, event);
  }

  /** A renewal sent at `sentAt` succeeded: leadership is certain until sentAt + lease - margin. */
  #confirm(sentAt: number): void {
    this.#leaderUntil = sentAt + this.config.leaseTimeout - this.config.safetyMargin;
    this.#armValidityTimer();
    clearTimeout(this.#renewTimer);
    this.#renewTimer = setTimeout(() => void this.#renew(), Math.floor(this.config.leaseTimeout / 3));
  }

  /** Steps down when the certainty ends (timers can fire a little early: re-arm until it has). */
  #armValidityTimer(): void {
    clearTimeout(this.#validityTimer);
    const left = this.#leaderUntil - performance.now();
    if (left <= 0) return this.#stepDown('lease not renewed in time');
    this.#validityTimer = setTimeout(() => this.#armValidityTimer(), Math.ceil(left));
  }

  async #renew(): Promise<void> {
    const epoch = this.#leaderEpoch;
    if (epoch === 0) return;
    const sentAt = performance.now();
    const renewed = await this.#store.renewLease(this.namespace, this.#holder, epoch, this.config.leaseTimeout).catch(() => false);
    if (this.#leaderEpoch !== epoch) return; // stepped down meanwhile
    if (renewed && performance.now() < this.#leaderUntil) {
      this.#confirm(sentAt);
      this.#diag('Coordinator epoch renewed', 'debug');
      emitSafely(this.#logger, 'lease:renewed', () => this.emit('lease:renewed', { namespace: this.namespace, epoch }));
      return;
    }
    this.#metrics.renewFailures += 1;
    this.#stepDown('lease renewal failed');
  }

  #stepDown(reason: string): void {
    const epoch = this.#leaderEpoch;
    if (epoch === 0) return;
    this.#leaderEpoch = 0;
    this.#leaderUntil = 0;
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#validityTimer);
    this.#logger.info({ epoch, reason }, 'stepped down');
    for (const subscription of this.#plugins.values()) subscription.work?.abort();
    // Compete again at once; and hand the lease over now if it is still ours in the store.
    this.#readAbort.abort();
    if (reason !== 'stopped' && reason !== 'another worker took the lease') {
      void this.#store.releaseLease(this.namespace, this.#holder, epoch).catch(() => undefined);
    }
    this.#observe(null, epoch);
    const event = this.#event(this.workerId, null, epoch);
    for (const [name, { plugin }] of this.#plugins) this.#notify(name, plugin, false, event);
  }

  #onEvent(body: string | null): void {
    let event: { event?: string; workerId?: string; epoch?: number };
    try {
      event = JSON.parse(body ?? '') as typeof event;
    } catch {
      return;
    }
    if (typeof event.workerId !== 'string' || typeof event.epoch !== 'number') return;
    if (event.event === 'acquired' && !(event.workerId === this.workerId && event.epoch === this.#leaderEpoch)) {
      // Someone else's term (a twin with this worker id included): whatever this worker thought, it does not lead.
      this.#stepDown('another worker took the lease');
      this.#observe(event.workerId, event.epoch);
    } else if (event.event === 'released' && event.workerId !== this.workerId) {
      this.#observe(null, event.epoch);
      this.#leaseTtl = 0;
    }
  }

  #observe(holder: string | null, epoch: number): void {
    if (holder === this.#knownLeader && epoch === this.#knownEpoch) return;
    const previous = this.#knownLeader;
    this.#knownLeader = holder;
    this.#knownEpoch = Math.max(this.#knownEpoch, epoch);
    if (holder === previous) return;
    this.#metrics.leaderChanges += 1;
    this.#diag(`Leader changed: ${previous ?? 'none'} → ${holder ?? 'none'} (epoch: ${epoch})`);
    emitSafely(this.#logger, 'leader:changed', () => this.emit('leader:changed', this.#event(previous, holder, epoch)));
  }

  /** Tells a plugin it leads and starts its leader work for this term. */
  #promote(name: string, subscription: Subscription, event: LeaderChangedEvent): void {
    subscription.work?.abort();
    const work = new AbortController();
    subscription.work = work;
    this.#notify(name, subscription.plugin, true, event);
    const job = subscription.plugin.leaderWork;
    if (!job) return;
    const epoch = this.#leaderEpoch;
    const before = subscription.running;
    subscription.running = (async () => {
      await this.#runsEnded([before]);
      await this.#runWork(name, job, epoch, work.signal);
    })();
  }

  /** Runs a plugin's leader work every intervalMs while this term lasts; a paused leader resumes to find it over. */
  async #runWork(name: string, job: NonNullable<CoordinatorPlugin['leaderWork']>, epoch: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted && this.isLeader() && this.#leaderEpoch === epoch) {
      try {
        await job.run({ epoch, signal });
      } catch (error) {
        this.#logger.warn({ err: error, plugin: name }, 'leader work failed');
      }
      await sleep(job.intervalMs, undefined, { signal }).catch(() => undefined);
    }
  }

  #notify(name: string, plugin: CoordinatorPlugin, isLeader: boolean, event: LeaderChangedEvent): void {
    if (!plugin.onGlobalLeaderChange) return;
    Promise.resolve()
      .then(() => plugin.onGlobalLeaderChange!(isLeader, event))
      .catch((error: unknown) => this.#logger.warn({ err: error, plugin: name }, 'plugin failed on a leader change'));
  }

  /** One worker heartbeat, then the next is scheduled while this run lasts; true when it was stored. */
  async #heartbeat(generation: number): Promise<boolean> {
    let stored = false;
    try {
      const removed = await this.#store.touchWorker(
        this.namespace,
        { workerId: this.workerId, startTime: this.#startTime, plugins: [...this.#plugins.keys()] },
        this.config.workerTimeout,
      );
      this.#metrics.heartbeatCount += 1;
      this.#metrics.lastHeartbeatTime = Date.now();
      this.#metrics.workerTimeouts += removed.length;
      if (removed.length > 0) this.#diag(`Worker timeout: ${removed.length} workers`);
      this.#diag('Heartbeat cycle executed', 'debug');
      stored = true;
    } catch (error) {
      this.#logger.warn({ err: error }, 'Failed to register worker');
    }
    if (this.#running && generation === this.#generation) {
      this.#heartbeatTimer = setTimeout(() => void this.#beat(generation), this.config.heartbeatInterval);
    }
    return stored;
  }

  #event(previousLeader: string | null, newLeader: string | null, epoch: number): LeaderChangedEvent {
    return { namespace: this.namespace, previousLeader, newLeader, epoch, timestamp: Date.now() };
  }

  /** The guide's log form: `[coordinator:global] [<namespace>] <message>`, when diagnostics are on. */
  #diag(message: string, level: 'info' | 'debug' = 'info'): void {
    if (this.config.diagnosticsEnabled) this.#logger[level]({ diagnostics: true }, `[coordinator:global] [${this.namespace}] ${message}`);
  }
}
