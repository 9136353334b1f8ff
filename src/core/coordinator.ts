import { EventEmitter, setMaxListeners } from 'node:events';
// Imported, not the global: Node's global `performance` is an accessor, read through a slower inline cache at every call.
import { performance } from 'node:perf_hooks';
import type { Ack } from '../protocol/ack.js';
import { normalizePayload } from '../protocol/canonical-json.js';
import { CoordinatorStoppedError, ERROR_CODES, InvalidConfigError, InvalidSignalError, NotStartedError, RendezvousError } from '../protocol/errors.js';
import type { CoordinatorStatus, Heartbeat } from '../protocol/heartbeat.js';
import { assertId, assertIds } from '../protocol/ids.js';
import type { Logger } from '../protocol/logger.js';
import type { Signal, SignalType } from '../protocol/signal.js';
import { parseWorkItem, type WorkItem } from '../protocol/work-item.js';
import type { InboxRef, InboxStore, LivenessStore, WorkStore } from '../store/port.js';
import { senderOfMessage } from './ack-wait.js';
import { AckWaits } from './ack-waits.js';
import type { CoordinatorObserver, SignalDelivery, SignalSentEvent, WaitDescription, WaitEndedEvent, WaitOutcome } from './coordinator-observer.js';
import { ATTACH_RECORDER, RecorderSlot, type CoordinatorRecorder } from './coordinator-recorder.js';
import type { ForgedRecordEvent } from './forged-record.js';
import type { HeldLimitEvent } from './held-limit.js';
import { ThrottledLog } from '../protocol/throttled-log.js';
import { MAX_TIMEOUT_MS } from '../protocol/options.js';
import { resolveCoordinatorOptions, type CoordinatorConfig } from './coordinator-options.js';
import { countRejection, emptyMetrics, type CoordinatorMetrics } from './coordinator-metrics.js';
import { HeartbeatLoop } from './heartbeat.js';
import { Hooks, type HookOptions } from './hooks.js';
import { Inbox, type AckOptions } from './inbox.js';
import { MessageStamps } from './message-stamps.js';
import { Outbox, type SendOptions, type SendResult } from './outbox.js';
import { defaultLogger } from '../store/default-logger.js';
import type { RejectionEvent } from './rejection-event.js';
import { resolveKeyring, type KeyringSlot, type SecretOptions } from './secrets.js';
import { compileFilter, type CompiledFilter, type SignalFilter } from './signal-filter.js';
import { emitSafely } from './safe-emit.js';
import { StartGate } from './start-gate.js';
import { StoreClock, type LocalClock } from './store-clock.js';

/** The store roles a coordinator uses: any `Store` has them. */
export type CoordinatorStore = InboxStore & LivenessStore & WorkStore;


export interface BlockingCoordinatorOptions extends Partial<CoordinatorConfig>, SecretOptions {
  /** This coordinator's id: unique across the deployment. */
  id: string;
  store: CoordinatorStore;
  /** The swarm it belongs to; signals travel inside a swarm. Default `default`. */
  swarmId?: string;
  /**
   * The dead coordinator this one replaces (a spawn request's `replaces`): signals addressed to it,
   * moved here by escalation, are this one's; its ACKs and signals carry `replaces` it, so peers
   * waiting on the old id see them.
   */
  replaces?: string;
  /** Local clock, ms (tests inject a skewed one). Only its offset to the store clock is ever used. */
  clock?: LocalClock;
  logger?: Logger;
  /** Lifecycle hooks (shell commands); off unless ENABLE_TIMEOUT_HOOKS=true. */
  hooks?: HookOptions;
  /** Environment for the runbooks' variables. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface AckWaitOptions {
  /** Default: blockingTimeoutMs (BLOCKING_TIMEOUT_MS, 30 min). */
  timeoutMs?: number;
  /** The swarm of the receivers (and of the message's sender), when it is not this coordinator's. */
  swarmId?: string;
  /** Ends the wait with AbortedError (the ACKs stay in the store: a later wait finds them). */
  signal?: AbortSignal;
}

export interface BlockOptions extends SignalFilter {
  /** Default: blockingTimeoutMs (BLOCKING_TIMEOUT_MS, 30 min). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface CoordinatorEvents {
  /** `delivery` is computed only while someone listens to this event (or metrics record it). */
  'signal:received': [signal: Signal, delivery: SignalDelivery];
  /** A send resolved (emitted only while someone listens). */
  'signal:sent': [event: SignalSentEvent];
  /** This coordinator recorded a new ACK (not one recorded earlier, returned again). */
  'ack:sent': [ack: Ack];
  'message:rejected': [event: RejectionEvent];
  /** A record in the store (idempotency or ACK) that no holder of the secret wrote: not believed, written anew. */
  'record:forged': [event: ForgedRecordEvent];
  /** The inbox reached the most signals it holds in memory, pending or handed out (once, until below half again). */
  'held:limit': [event: HeldLimitEvent];
  heartbeat: [heartbeat: Heartbeat];
  'heartbeat:failed': [error: unknown];
  /** A wait began: from here on, what it waits for is seen (used by tests and deadlock detection). */
  'wait:started': [wait: WaitDescription];
  /** A wait ended (emitted only while someone listens; the wait timed only then or for metrics). */
  'wait:ended': [event: WaitEndedEvent];
}

type Lifecycle = 'new' | 'starting' | 'running' | 'stopped';

/**
 * A coordinator: identity, heartbeat, durable inbox, signed send, blocking wait, signed ACK,
 * and waiting for ACKs. Construction validates everything (ids, secret, config) before any I/O.
 * This class checks the caller's arguments and the lifecycle, and hands each call to the part
 * that does it: the outbox sends, the inbox receives, waits and acknowledges, the ACK waits
 * wait for ACKs (read in that order, they follow a signal from send to answer).
 */
export class BlockingCoordinator extends EventEmitter<CoordinatorEvents> {
  readonly id: string;
  readonly swarmId: string;
  readonly replaces: string | undefined;
  readonly config: CoordinatorConfig;
  readonly #store: CoordinatorStore;
  /** Where this coordinator's inbox, ACKs and work live. */
  readonly #own: InboxRef;
  readonly #logger: Logger;
  readonly #clock: StoreClock;
  readonly #keys: KeyringSlot;
  readonly #stamps: MessageStamps;
  readonly #outbox: Outbox;
  readonly #inbox: Inbox;
  readonly #ackWaits: AckWaits;
  readonly #heartbeat: HeartbeatLoop;
  readonly #hooks: Hooks;
  readonly #stop = new AbortController();
  readonly #metrics = emptyMetrics();
  /** The metrics' recorder, if observed (coordinator-recorder.ts): called directly, no event built for it. */
  readonly #recorders = new RecorderSlot();
  readonly #observer: CoordinatorEventSink;
  #lifecycle: Lifecycle = 'new';
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #iteration = 0;
  #phase = 'idle';

  constructor(options: BlockingCoordinatorOptions) {
    super();
    assertId(options.id, 'coordinator id');
    const swarmId = options.swarmId ?? 'default';
    assertId(swarmId, 'swarm id');
    if (options.replaces !== undefined) assertId(options.replaces, 'coordinator id');
    if (!options.store) throw new InvalidConfigError('`store` is required (await createStore())');
    const env = options.env ?? process.env;
    this.id = options.id;
    this.swarmId = swarmId;
    this.replaces = options.replaces;
    this.#store = options.store;
    this.#logger = (options.logger ?? defaultLogger()).child({ coordinatorId: this.id, swarmId });
    this.config = resolveCoordinatorOptions(options, env);
    this.#keys = { current: resolveKeyring(options, env, this.#logger) };
    this.#clock = new StoreClock(options.clock);
    this.#stamps = new MessageStamps(this.#clock);
    this.#hooks = new Hooks({ env, ...options.hooks }, this.#logger);
    // Every wait in progress listens for shutdown on this signal (20 concurrent waitForAcks are
    // 20 listeners, each removed when its wait ends): no leak for Node to warn of.
    setMaxListeners(0, this.#stop.signal);
    const own: InboxRef = { swarmId, coordinatorId: this.id };
    this.#own = own;
    const { config, replaces } = this;
    const store = this.#store;
    const logger = this.#logger;
    const keys = this.#keys;
    this.#observer = new CoordinatorEventSink(this, this.#metrics, this.#logger, this.#clock, this.#recorders);
    // Written out, not spread from a shared object: V8 gives each spread copy a hidden class of its own (2 KB per coordinator).
    this.#ackWaits = new AckWaits({ store, config, logger, keys, own, stop: this.#stop.signal, observer: this.#observer, clock: this.#clock });
    this.#outbox = new Outbox({ store, config, keys, own, replaces, stamps: this.#stamps, ackWaits: this.#ackWaits, observer: this.#observer });
    this.#inbox = new Inbox({ store, config, logger, keys, ref: own, replaces, observer: this.#observer, clock: this.#clock, shutdown: this.#stop.signal });
    this.#heartbeat = new HeartbeatLoop({
      store: this.#store,
      clock: this.#clock,
      config: this.config,
      logger: this.#logger,
      coordinatorId: this.id,
      swarmId,
      state: () => ({ iteration: this.#iteration, phase: this.#phase, status: this.status, waitingFor: this.#waitingFor() }),
      onBeat: (heartbeat) => {
        this.#metrics.heartbeats += 1;
        this.#recorders.current?.heartbeat();
        if (this.listenerCount('heartbeat') > 0) emitSafely(this.#logger, 'heartbeat', () => this.emit('heartbeat', heartbeat));
      },
      onFailure: (error) => {
        this.#metrics.heartbeatFailures += 1;
        this.#recorders.current?.heartbeatFailed(error);
        emitSafely(this.#logger, 'heartbeat:failed', () => this.emit('heartbeat:failed', error));
      },
    });
  }

  get status(): CoordinatorStatus {
    if (this.#lifecycle === 'stopped') return 'stopping';
    return this.#inbox.waiting > 0 || this.#ackWaits.active > 0 ? 'waiting' : 'active';
  }

  get isRunning(): boolean {
    return this.#lifecycle === 'running';
  }

  /** Syncs the store clock, opens the inbox (reading what a crashed predecessor left unacknowledged), registers and starts heartbeats. Idempotent. */
  start(): Promise<void> {
    if (this.#lifecycle === 'stopped' || this.#stopping) return Promise.reject(new CoordinatorStoppedError(this.id));
    if (!this.#starting) {
      this.#lifecycle = 'starting';
      this.#starting = StartGate.of(this.#store).admit(() => this.#begin(), this.#stop.signal);
    }
    return this.#starting;
  }

  async #begin(): Promise<void> {
    try {
      if (this.#stop.signal.aborted) throw new CoordinatorStoppedError(this.id); // stopped while it waited its turn
      await this.#clock.sync(this.#store);
      this.#stamps.startAfterNow();
      await this.#store.ensureInbox(this.#own, this.config.signalTtlMs);
      await this.#inbox.open();
      if (this.#stop.signal.aborted) throw new CoordinatorStoppedError(this.id); // stopped while its catch-up ran
      await this.#ackWaits.open();
      await this.#heartbeat.start();
      if (this.#stop.signal.aborted) throw new CoordinatorStoppedError(this.id); // stopped meanwhile: its stop() deregisters it
      this.#lifecycle = 'running';
      this.#logger.debug({}, 'coordinator started');
    } catch (error) {
      this.#starting = undefined;
      this.#lifecycle = 'new';
      await this.#heartbeat.stop();
      throw error;
    }
  }

  /** The store's clock now, ms (Redis `TIME` plus the time since the last sync): what signals are stamped with. Meaningful once started. */
  storeNow(): number {
    return this.#clock.now();
  }

  /** What the heartbeat reports as this coordinator's progress. */
  setProgress(progress: { iteration?: number; phase?: string }): void {
    if (progress.iteration !== undefined) this.#iteration = progress.iteration;
    if (progress.phase !== undefined) this.#phase = progress.phase;
  }

  /** Replaces the secrets (a rotation without restart): `secret` signs, `secretNew` also verifies. */
  updateSecrets(secrets: SecretOptions): void {
    this.#keys.current = resolveKeyring(secrets, {}, this.#logger);
  }

  /** Appends a signed signal to the receiver's inbox. Resolves once it is durable in the store. */
  async sendSignal<P = unknown>(receiverId: string, type: SignalType, options: SendOptions<P> = {}): Promise<SendResult> {
    assertId(receiverId, 'coordinator id');
    assertId(type, 'signal type');
    if (options.idempotencyKey !== undefined) assertId(options.idempotencyKey, 'idempotency key');
    if (options.swarmId !== undefined) assertId(options.swarmId, 'swarm id');
    if (options.iteration !== undefined && !(Number.isInteger(options.iteration) && options.iteration >= 0)) {
      throw new InvalidSignalError(`iteration must be a non-negative integer, got ${String(options.iteration)}`);
    }
    this.#assertRunning('sendSignal');
    const result = await this.#outbox.send(receiverId, type, options);
    if (result.isDuplicate) this.#metrics.duplicateSends += 1;
    else this.#metrics.signalsSent += 1;
    this.#recorders.current?.signalSent(type, result.isDuplicate);
    if (this.listenerCount('signal:sent') > 0) {
      const event: SignalSentEvent = { receiverId, swarmId: options.swarmId ?? this.swarmId, type, messageId: result.messageId, isDuplicate: result.isDuplicate };
      emitSafely(this.#logger, 'signal:sent', () => this.emit('signal:sent', event));
    }
    return result;
  }

  /**
   * Resolves with the first verified signal matching the filter (oldest first), or rejects with
   * SignalTimeoutError. Non-matching signals stay pending; invalid ones are rejected and skipped.
   */
  async blockUntilSignal<P = unknown>(options: BlockOptions = {}): Promise<Signal<P>> {
    const wait = this.#blockFor(options);
    const started = this.#waitClock();
    try {
      const signal = await this.#take<P>(wait, options.signal);
      if (started !== undefined) this.#waitEnded('signal', started, 'completed', 1);
      return signal;
    } catch (error) {
      if (started !== undefined) this.#waitEnded('signal', started, outcomeOf(error), 0);
      throw error;
    }
  }

  /** A wait's filter and timeout, its arguments and the lifecycle checked (it throws before any wait begins). */
  #blockFor(options: BlockOptions): { filter: CompiledFilter; timeoutMs: number } {
    const filter = compileFilter(options);
    const timeoutMs = this.#timeout(options.timeoutMs ?? this.config.blockingTimeoutMs);
    this.#assertRunning('blockUntilSignal');
    return { filter, timeoutMs };
  }

  async #take<P>({ filter, timeoutMs }: { filter: CompiledFilter; timeoutMs: number }, abort: AbortSignal | undefined): Promise<Signal<P>> {
    const hooks = this.#hooks;
    const iteration = this.#iteration; // as at the wait's start
    const phase = this.#phase;
    const about = () => ({ AGENT_ID: this.id, SWARM_ID: this.swarmId, ITERATION: iteration, PHASE: phase });
    try {
      const taking = this.#inbox.take(filter, timeoutMs, abort);
      if (this.#observer.waitsWatched) this.#observer.waitStarted({ kind: 'signal', coordinatorId: this.id, ...filter.describe() });
      if (hooks.wants('on_blocking_start')) void hooks.run('on_blocking_start', { ...about(), WAITING_FOR: filter.describe().from, TIMEOUT_MS: timeoutMs });
      const signal = (await taking) as Signal<P>;
      if (hooks.wants('on_signal_received')) void hooks.run('on_signal_received', { ...about(), SIGNAL_TYPE: signal.type, SENDER_ID: signal.senderId, MESSAGE_ID: signal.messageId });
      return signal;
    } catch (error) {
      if (error instanceof RendezvousError && error.code === 'RDV_ERR_TIMEOUT') {
        this.#metrics.waitTimeouts += 1;
        if (hooks.wants('on_blocking_timeout')) void hooks.run('on_blocking_timeout', { ...about(), MISSING_COORDINATORS: filter.describe().from, TIMEOUT_MS: timeoutMs });
      }
      throw error;
    }
  }

  /**
   * Waits until every listed coordinator has sent a matching signal (the barrier: "the owner
   * waits for ALL validators"). Returns the signals by sender; on timeout, those that arrived.
   */
  async waitForSignals<P = unknown>(fromIds: readonly string[], options: Omit<BlockOptions, 'from'> = {}): Promise<Map<string, Signal<P>>> {
    assertIds(fromIds, 'coordinator id');
    this.#assertRunning('waitForSignals');
    const started = this.#waitClock();
    const wanted = new Set(fromIds).size;
    try {
      const got = await this.#barrier<P>(fromIds, options);
      if (started !== undefined) this.#waitEnded('signal', started, got.size >= wanted ? 'completed' : 'timeout', got.size);
      return got;
    } catch (error) {
      if (started !== undefined) this.#waitEnded('signal', started, outcomeOf(error), 0);
      throw error;
    }
  }

  /** One wait for the barrier, reported as one (its rounds are not waits of their own). */
  async #barrier<P>(fromIds: readonly string[], options: Omit<BlockOptions, 'from'>): Promise<Map<string, Signal<P>>> {
    const deadline = performance.now() + this.#timeout(options.timeoutMs ?? this.config.blockingTimeoutMs);
    const got = new Map<string, Signal<P>>();
    while (got.size < new Set(fromIds).size) {
      const remaining = Math.ceil(deadline - performance.now());
      if (remaining <= 0) break;
      const from = fromIds.filter((id) => !got.has(id));
      try {
        const signal = await this.#take<P>(this.#blockFor({ ...options, from, timeoutMs: remaining }), options.signal);
        // A replacement answers for the coordinator it replaces.
        got.set(from.includes(signal.senderId) ? signal.senderId : signal.replaces!, signal);
      } catch (error) {
        if (error instanceof RendezvousError && error.code === 'RDV_ERR_TIMEOUT') break;
        this.#inbox.untake([...got.values()]); // not lost: a later wait can take them again
        throw error;
      }
    }
    return got;
  }

  /** Records a signed ACK for a received signal, exactly once: acknowledging again returns the same ACK. */
  async acknowledge<R = unknown>(signal: Signal, options: AckOptions<R> = {}): Promise<Ack<R>> {
    this.#assertReceived(signal, 'acknowledge');
    assertId(options.status ?? 'received', 'ack status');
    assertId(signal.senderId, 'coordinator id');
    this.#assertRunning('acknowledge');
    const { ack, created } = await this.#inbox.acknowledge(signal, options);
    if (created) {
      this.#metrics.acksSent += 1;
      this.#recorders.current?.ackSent();
      if (this.listenerCount('ack:sent') > 0) emitSafely(this.#logger, 'ack:sent', () => this.emit('ack:sent', ack));
    }
    return ack;
  }

  /**
   * Gives back, unacknowledged, a signal a wait returned that will not be handled now (a task
   * abandoned, the CLI agent's caller gone before it printed the signal): the oldest wait whose
   * filter matches, one in progress or the next, gets it before the signals that came after it. A
   * signal forgotten past the handed-out limit comes back through a catch-up read. One not handed
   * out is left as it is; on a coordinator that is not running, nothing happens (the signal stays in
   * the store, delivered to the next instance).
   */
  release(signal: Signal): void {
    this.#assertReceived(signal, 'release');
    if (this.#lifecycle === 'running') this.#inbox.untake([signal]);
  }

  /**
   * The signal with this messageId that reached this coordinator and is not acknowledged yet, as
   * the inbox holds it (pending, or returned by a wait): what acknowledging by id needs, such as
   * the CLI agent's `ack MESSAGE_ID`. Undefined once acknowledged, for one never received, and for
   * one of the oldest handed out and forgotten past the inbox's limits (`held:limit`).
   */
  unacknowledgedSignal(messageId: string): Signal | undefined {
    return this.#inbox.held(messageId);
  }

  /**
   * Waits for verified ACKs of `messageId` from `coordinatorIds`; returns those that arrived by the
   * timeout (never throws for missing ones). Any coordinator may wait on any message: a sender
   * whose send was a duplicate waits on the messageId it was given back.
   */
  async waitForAcks<R = unknown>(coordinatorIds: readonly string[], messageId: string, options: AckWaitOptions = {}): Promise<Map<string, Ack<R>>> {
    assertIds(coordinatorIds, 'coordinator id');
    if (options.swarmId !== undefined) assertId(options.swarmId, 'swarm id');
    const sender: InboxRef = { swarmId: options.swarmId ?? this.swarmId, coordinatorId: senderOfMessage(messageId) };
    const timeoutMs = this.#timeout(options.timeoutMs ?? this.config.blockingTimeoutMs);
    this.#assertRunning('waitForAcks');
    const started = this.#waitClock();
    let acks: Map<string, Ack>;
    try {
      acks = await this.#ackWaits.wait(coordinatorIds, messageId, timeoutMs, sender, options.signal);
    } catch (error) {
      if (started !== undefined) this.#waitEnded('acks', started, outcomeOf(error), 0);
      throw error;
    }
    this.#metrics.acksReceived += acks.size;
    if (started !== undefined) this.#waitEnded('acks', started, acks.size >= new Set(coordinatorIds).size ? 'completed' : 'timeout', acks.size);
    return acks as Map<string, Ack<R>>;
  }

  /** Records a work item owned by this coordinator (in its swarm); escalation hands it to a replacement. */
  async assignWork<D = unknown>(taskId: string, data: D): Promise<WorkItem<D>> {
    assertId(taskId, 'task id');
    this.#assertRunning('assignWork');
    const item: WorkItem<D> = { taskId, swarmId: this.swarmId, assignedTo: this.id, assignedAt: this.#clock.now(), data: normalizePayload(data) as D };
    await this.#store.putWork(this.#own, taskId, JSON.stringify(item), this.config.workTtlMs);
    return item;
  }

  /** This coordinator's work items, oldest first, then by task id (with transfer metadata for items it inherited). */
  async listWork(): Promise<WorkItem[]> {
    this.#assertRunning('listWork');
    const bodies = await this.#store.listWork(this.#own);
    return [...bodies.values()]
      .flatMap((body) => parseWorkItem(body) ?? [])
      .sort((a, b) => a.assignedAt - b.assignedAt || a.taskId.localeCompare(b.taskId));
  }

  getMetrics(): CoordinatorMetrics {
    return structuredClone(this.#metrics);
  }

  /** Stops heartbeats, ends every wait with CoordinatorStoppedError, and removes the heartbeat. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#halt();
    return this.#stopping;
  }

  async #halt(): Promise<void> {
    const wasStarted = this.#lifecycle !== 'new';
    this.#stop.abort(new CoordinatorStoppedError(this.id)); // a start() waiting its turn ends now, one under way after its catch-up's current entry
    await this.#starting?.catch(() => undefined);
    this.#lifecycle = 'stopped';
    await this.#heartbeat.stop(); // a beat in flight lands before the deregistration, never after it
    await this.#inbox.close();
    await this.#ackWaits.close();
    this.#observer.close();
    if (!wasStarted) return;
    try {
      await this.#store.deregister(this.swarmId, this.id);
    } catch (error) {
      this.#logger.warn({ err: error }, 'could not remove the heartbeat on stop; it expires with its TTL');
    }
  }

  /**
   * Attaches a metrics recorder (coordinator-recorder.ts), called at each point the matching event
   * is emitted; returns what detaches it. Keyed by a registered symbol: the observability layer's
   * entry, not API.
   * @internal
   */
  [ATTACH_RECORDER](recorder: CoordinatorRecorder): () => void {
    return this.#recorders.attach(recorder);
  }

  /** When a wait starts, if a recorder or someone listening to `wait:ended` wants it (monotonic ms); otherwise nothing is timed. */
  #waitClock(): number | undefined {
    return this.#recorders.current !== undefined || this.listenerCount('wait:ended') > 0 ? performance.now() : undefined;
  }

  #waitEnded(kind: WaitEndedEvent['kind'], started: number, outcome: WaitOutcome, received: number): void {
    const durationMs = performance.now() - started;
    this.#recorders.current?.waitEnded(kind, durationMs, outcome, received);
    if (this.listenerCount('wait:ended') === 0) return;
    const event: WaitEndedEvent = { kind, coordinatorId: this.id, durationMs, outcome, received };
    emitSafely(this.#logger, 'wait:ended', () => this.emit('wait:ended', event));
  }

  /** Who this coordinator's waits are waiting for, for the supervisor's deadlock detection. */
  #waitingFor(): string[] {
    const receiving = this.#inbox.waitingFor();
    const acks = this.#ackWaits.waitingFor();
    if (receiving.length + acks.length === 0) return receiving; // the idle case, on every beat: no Set, no sort
    return [...new Set([...receiving, ...acks])].sort();
  }

  /** A signal this coordinator received (or the one it replaces did): what acknowledge() and release() take. */
  #assertReceived(signal: Signal, method: string): void {
    if (!signal || typeof signal.messageId !== 'string' || (signal.receiverId !== this.id && signal.receiverId !== this.replaces)) {
      throw new InvalidSignalError(`${method}() needs a signal received by ${this.id}`, { coordinatorId: this.id });
    }
  }

  #assertRunning(method: string): void {
    if (this.#lifecycle === 'stopped') throw new CoordinatorStoppedError(this.id);
    if (this.#lifecycle !== 'running') throw new NotStartedError(this.id, method);
  }

  #timeout(timeoutMs: number): number {
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS)) {
      throw new InvalidConfigError(`timeoutMs must be a number of ms in (0, ${MAX_TIMEOUT_MS}], got ${String(timeoutMs)}`);
    }
    return timeoutMs;
  }
}

/** How a wait that threw ended: its timeout, or anything else that ended it early (an abort, the stop, an error). */
function outcomeOf(error: unknown): WaitOutcome {
  return error instanceof RendezvousError && error.code === ERROR_CODES.TIMEOUT ? 'timeout' : 'aborted';
}

/** What the inbox and the ACK waits report, as metrics, log lines and events (one object, no closure per coordinator). */
class CoordinatorEventSink implements CoordinatorObserver {
  readonly #coordinator: BlockingCoordinator;
  readonly #metrics: CoordinatorMetrics;
  readonly #logger: Logger;
  /** Rejections and forgeries, a line per kind per interval: a forger's flood is not a flood of lines. */
  readonly #warnings: ThrottledLog;
  readonly #clock: StoreClock;
  readonly #recorders: RecorderSlot;

  constructor(coordinator: BlockingCoordinator, metrics: CoordinatorMetrics, logger: Logger, clock: StoreClock, recorders: RecorderSlot) {
    this.#coordinator = coordinator;
    this.#clock = clock;
    this.#recorders = recorders;
    this.#metrics = metrics;
    this.#logger = logger;
    this.#warnings = new ThrottledLog(logger, 'warn');
  }

  accepted(signal: Signal): void {
    this.#metrics.signalsReceived += 1;
    const coordinator = this.#coordinator;
    const recorder = this.#recorders.current;
    const listened = coordinator.listenerCount('signal:received') > 0;
    if (recorder === undefined && !listened) return;
    // Both times are the store's clock: the sender stamped `timestamp` with its offset-corrected view of it.
    const receivedAt = this.#clock.now();
    const latencyMs = Math.max(0, receivedAt - signal.timestamp);
    recorder?.signalReceived(signal.type, latencyMs);
    if (!listened) return;
    const delivery: SignalDelivery = { receivedAt, latencyMs };
    emitSafely(this.#logger, 'signal:received', () => coordinator.emit('signal:received', signal, delivery));
  }

  rejected(event: RejectionEvent): void {
    countRejection(event.kind === 'signal' ? this.#metrics.signalsRejected : this.#metrics.acksRejected, event.reason);
    this.#recorders.current?.rejected(event.kind, event.reason);
    this.#warnings.note(`${event.kind}:${event.reason}`, { ...event }, `${event.kind} rejected: ${event.reason}`);
    emitSafely(this.#logger, 'message:rejected', () => this.#coordinator.emit('message:rejected', event));
  }

  forgedRecord(event: ForgedRecordEvent): void {
    this.#metrics.forgedRecords += 1;
    this.#recorders.current?.forgedRecord();
    this.#warnings.note(`forged:${event.kind}`, { ...event }, `forged ${event.kind === 'ack' ? 'ACK' : 'idempotency'} record in the store (not written by a holder of the secret): not believed, written anew`);
    emitSafely(this.#logger, 'record:forged', () => this.#coordinator.emit('record:forged', event));
  }

  heldLimit(event: HeldLimitEvent): void {
    this.#metrics.heldLimitReached += 1;
    this.#recorders.current?.heldLimit(event.held);
    const what =
      event.held === 'pending'
        ? 'inbox holds the most signals no wait has taken (by count or maxHeldBytes); leaving newer ones in the store'
        : 'inbox holds the most signals handed out and never acknowledged (by count or maxHeldBytes); forgetting the oldest, which a later catch-up delivers again';
    this.#logger.warn({ ...event }, what);
    emitSafely(this.#logger, 'held:limit', () => this.#coordinator.emit('held:limit', event));
  }

  /** Says what the throttled log held back. */
  close(): void {
    this.#warnings.close();
  }

  get waitsWatched(): boolean {
    return this.#coordinator.listenerCount('wait:started') > 0;
  }

  waitStarted(wait: WaitDescription): void {
    if (this.waitsWatched) emitSafely(this.#logger, 'wait:started', () => this.#coordinator.emit('wait:started', wait));
  }
}
