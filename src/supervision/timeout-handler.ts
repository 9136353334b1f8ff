import { EventEmitter } from 'node:events';
import { Hooks, type HookOptions } from '../core/hooks.js';
import { emitSafely } from '../core/safe-emit.js';
import type { SecretOptions } from '../core/secrets.js';
import type { LocalClock } from '../core/store-clock.js';
import { NotLeaderError } from '../protocol/errors.js';
import { assertId } from '../protocol/ids.js';
import type { Logger } from '../protocol/logger.js';
import { defaultLogger } from '../store/default-logger.js';

import type { ElectionOptions } from './election-options.js';
import { reportingFenceRefusals } from './fence-probe.js';
import { getGlobalCoordinator } from './global-coordinator-registry.js';
import type { GlobalCoordinator } from './global-coordinator.js';
import { Lifecycle } from './lifecycle.js';
import { recordOnlySpawner, type Spawner } from './spawner.js';
import { recordActivity, type RecordActivityOptions } from './supervisor/activity-recorder.js';
import { SupervisorCaps } from './supervisor/caps.js';
import { SupervisorCheck, type CheckSummary } from './supervisor/check.js';
import { storeTime, type SupervisorContext, type SupervisorStore } from './supervisor/context.js';
import { DeadCleanup } from './supervisor/dead-cleanup.js';
import { Deadlocks } from './supervisor/deadlocks.js';
import { Escalation } from './supervisor/escalation.js';
import type { TimeoutHandlerEvents } from './supervisor/events.js';
import { readLiveness } from './supervisor/liveness.js';
import { readSwarms, Rejections } from './supervisor/rejections.js';
import { Warnings } from './supervisor/warnings.js';
import { DEFAULT_SWARM_ID, resolveSupervisorOptions, type SupervisorConfig, type SupervisorOptions } from './supervisor-options.js';

/** The name the supervisor's check runs under as a plugin of its GlobalCoordinator. */
const PLUGIN = 'coordinator-timeout-handler';

/** What a CoordinatorTimeoutHandler is made of: its store, the supervisor's options and its collaborators. */
export interface TimeoutHandlerOptions extends SupervisorOptions {
  store: SupervisorStore;
  /** Starts replacements. Default: record the spawn request only (recordOnlySpawner). */
  spawner?: Spawner;
  /**
   * Options of the supervisors' GlobalCoordinator, when this handler is the first to ask for it,
   * with its signing secret (default BLOCKING_COORDINATION_SECRET of `env`).
   */
  election?: ElectionOptions & SecretOptions;
  /** Lifecycle hooks `on_coordinator_dead` and `on_escalation`; off unless ENABLE_TIMEOUT_HOOKS=true. At most 4 run at once by default. */
  hooks?: HookOptions;
  /** Default: the default logger. */
  logger?: Logger;
  /** Environment for DEAD_THRESHOLD, the hooks and the election's secret. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * The monotonic clock, ms, on which the per-minute caps' window (rateWindowMs) slides. Default
   * performance.now. Tests inject one, to move the window when they choose, whatever a check costs.
   */
  rateClock?: LocalClock;
}

export interface TimeoutHandlerMetrics {
  totalChecks: number;
  timeoutEventsTotal: number;
  warningsIssued: number;
  escalations: number;
  cleanupsPerformed: number;
  cleanupFailures: number;
  deadlocksDetected: number;
  /** Swarm set members and registry entries skipped: an id breaking the id rule, or a score that is no time. */
  rejectedRegistryEntries: number;
  /** waitingFor ids, spawn requests and escalation records skipped: malformed, or not what an escalation makes. */
  rejectedRecords: number;
  /** Escalations left for a later check by maxEscalationsPerCheck or maxEscalationsPerMinute. */
  escalationsCapped: number;
  /** Replacements left pending for a later check by maxSpawnsPerCheck or maxSpawnsPerMinute. */
  spawnsCapped: number;
  /** Hook runs dropped because the hook queue was full. */
  hooksDropped: number;
}

/**
 * The supervisor. Monitoring runs as a plugin of a GlobalCoordinator: only the leader checks, and
 * every write carries its epoch. The parts, each in its own file under supervisor/: one check
 * (check.ts) reads each swarm's liveness (liveness.ts), warns the silent and clears the recovered
 * (warnings.ts), escalates after maxWarnings and resumes spawns an earlier leader left
 * (escalation.ts), removes what marks a dead coordinator present (dead-cleanup.ts) and reports
 * deadlocks (deadlocks.ts); coordinators without heartbeats report activity (activity-recorder.ts).
 * What it reads from the store is validated before use (rejections.ts), and what it does is capped
 * (caps.ts): a forged registry cannot make it act without bound.
 */
export class CoordinatorTimeoutHandler extends EventEmitter<TimeoutHandlerEvents> {
  readonly config: SupervisorConfig;
  readonly #ctx: SupervisorContext;
  readonly #election: (ElectionOptions & SecretOptions) | undefined;
  readonly #env: NodeJS.ProcessEnv | undefined;
  /** The store as given: the election is looked up by it (the supervisor's parts get it wrapped). */
  readonly #store: SupervisorStore;
  readonly #electionLogger: Logger | undefined;
  readonly #lifecycle: Lifecycle;
  readonly #warnings: Warnings;
  readonly #cleanup: DeadCleanup;
  readonly #escalation: Escalation;
  readonly #deadlocks: Deadlocks;
  readonly #check: SupervisorCheck;
  /** The election joined by start(), until stop(). */
  #gc: GlobalCoordinator | undefined;
  /** Whether start() started that election (stop() then stops it). */
  #startedGc = false;
  /** The term this handler was last told it leads in (0: it does not lead), for `leadership:changed`. */
  #leadingEpoch = 0;

  constructor(options: TimeoutHandlerOptions) {
    super();
    const { store, env } = options;
    this.config = resolveSupervisorOptions(options, env);
    assertId(this.config.namespace, 'namespace');
    this.#election = options.election;
    this.#env = env;
    this.#store = store;
    this.#electionLogger = options.logger;
    const logger = (options.logger ?? defaultLogger()).child({ component: 'timeout-handler' });
    this.#ctx = {
      // A fence that refuses this term's writes is passed on to the election, which leads again above it.
      store: reportingFenceRefusals(store, (epoch, tag) => this.#gc?.fenced(epoch, [], { tag }) ?? Promise.resolve(false)),
      config: this.config,
      logger,
      hooks: new Hooks({ env, ...options.hooks }, logger),
      rejections: new Rejections(logger, this.config.rateWindowMs),
      caps: new SupervisorCaps(this.config, logger, options.rateClock),
      emit: (event, ...args) => emitSafely(logger, event, () => (this.emit as (e: typeof event, ...a: typeof args) => boolean)(event, ...args)),
      listens: (event) => this.listenerCount(event) > 0,
      now: storeTime(store, this.config.clockSyncIntervalMs),
    };
    this.#lifecycle = new Lifecycle({ run: () => this.#join(), halt: (starting) => this.#leave(starting) });
    this.#warnings = new Warnings(this.#ctx);
    this.#cleanup = new DeadCleanup(this.#ctx);
    this.#escalation = new Escalation(this.#ctx, options.spawner ?? recordOnlySpawner, this.#cleanup);
    this.#deadlocks = new Deadlocks(this.#ctx, (epoch, ops, tag) => this.#gc?.fenced(epoch, ops, { tag }) ?? Promise.resolve(false));
    this.#check = new SupervisorCheck(this.#ctx, { warnings: this.#warnings, escalation: this.#escalation, deadlocks: this.#deadlocks, leads: (epoch) => this.#gc !== undefined && this.#gc.isLeader() && this.#gc.getEpoch() === epoch });
  }

  /**
   * Joins the supervisors' election (starting it if it is not running); while this worker leads,
   * it checks every checkIntervalMs. Resolves once it has joined: after the election's first
   * attempt to take the lease when this call started it.
   */
  start(): Promise<void> {
    return this.#lifecycle.start();
  }

  /**
   * Stops checking; settles once a check in progress (an escalation, its clean-up) has finished,
   * which can take up to the election's lease: do not await it from a listener or spawner.
   */
  stop(): Promise<void> {
    return this.#lifecycle.stop();
  }

  /** Records that a coordinator is active (and, for deadlock detection, what it waits for); the supervisor then checks it. */
  recordActivity(coordinatorId: string, iteration: number, phase: string, options: RecordActivityOptions = {}): Promise<void> {
    return recordActivity(this.#ctx, coordinatorId, iteration, phase, options);
  }

  /** Whether a coordinator has been silent (heartbeat and activity) longer than the dead threshold, by store time. */
  async checkCoordinatorTimeout(coordinatorId: string, swarmId?: string): Promise<boolean> {
    assertId(coordinatorId, 'coordinator id');
    if (swarmId !== undefined) assertId(swarmId, 'swarm id');
    const now = await this.#ctx.now();
    const { store, rejections } = this.#ctx;
    for (const swarm of swarmId === undefined ? await readSwarms(store, rejections) : [swarmId]) {
      const seen = (await readLiveness(store, swarm, rejections)).get(coordinatorId);
      if (seen) return now - seen.lastSeen > this.config.deadThresholdMs;
    }
    return false;
  }

  /** Escalates a dead coordinator (the leading supervisor only); returns its replacement's id, the same on every call. */
  async escalateDeadCoordinator(coordinatorId: string, swarmId: string): Promise<string> {
    assertId(coordinatorId, 'coordinator id');
    assertId(swarmId, 'swarm id');
    const gc = this.#gc;
    if (!gc?.isLeader()) throw new NotLeaderError(this.config.namespace, 'escalateDeadCoordinator');
    return (await this.#escalation.escalate({ swarmId, coordinatorId }, gc.getEpoch())).replacementId;
  }

  /**
   * Runs one check now (the leading supervisor only), after the check in progress if one is; its
   * summary. NotLeaderError when this worker does not lead: `leaderId` tells who does.
   */
  async checkNow(): Promise<CheckSummary> {
    const gc = this.#gc;
    if (!gc?.isLeader()) throw new NotLeaderError(this.config.namespace, 'checkNow', (await gc?.getLeader().catch(() => null)) ?? null);
    return this.#check.run(gc.getEpoch());
  }

  /**
   * escalateDeadCoordinator, telling whether this call `created` the escalation or found it
   * `existing` (a NotLeaderError when not leading, or when a newer term fenced it out).
   */
  async escalate(coordinatorId: string, swarmId: string): Promise<{ replacementId: string; outcome: 'created' | 'existing' }> {
    assertId(coordinatorId, 'coordinator id');
    assertId(swarmId, 'swarm id');
    const gc = this.#gc;
    if (!gc?.isLeader()) throw new NotLeaderError(this.config.namespace, 'escalate', (await gc?.getLeader().catch(() => null)) ?? null);
    const { replacementId, created } = await this.#escalation.escalate({ swarmId, coordinatorId }, gc.getEpoch());
    return { replacementId, outcome: created ? 'created' : 'existing' };
  }

  /** The election this handler joined (after start(), until stop()): its leader, epoch and events. */
  get election(): GlobalCoordinator | undefined {
    return this.#gc;
  }

  /** Removes a dead coordinator's heartbeat, warnings, activity and registry entry (not its work or inbox). */
  async cleanupTimeoutCoordinator(coordinatorId: string, swarmId = DEFAULT_SWARM_ID): Promise<void> {
    assertId(coordinatorId, 'coordinator id');
    assertId(swarmId, 'swarm id');
    await this.#cleanup.run(coordinatorId, swarmId);
  }

  getMetrics(): TimeoutHandlerMetrics {
    return {
      totalChecks: this.#check.totalChecks,
      ...this.#warnings.metrics,
      escalations: this.#escalation.escalations,
      ...this.#cleanup.metrics,
      deadlocksDetected: this.#deadlocks.detected,
      ...this.#ctx.rejections.metrics,
      ...this.#ctx.caps.metrics,
      hooksDropped: this.#ctx.hooks.metrics.dropped,
    };
  }

  /** Subscribes the check to the election, and starts the election if nobody has. */
  async #join(): Promise<void> {
    const { config } = this.#ctx;
    const store = this.#store;
    const gc = getGlobalCoordinator({ store, namespace: config.namespace, logger: this.#electionLogger, env: this.#env, ...this.#election });
    this.#gc = gc;
    const subscribed = gc.subscribePlugin(PLUGIN, {
      onGlobalLeaderChange: (isLeader, event) => this.#leadership(isLeader, event.epoch),
      leaderWork: { intervalMs: config.checkIntervalMs, run: async ({ epoch }) => void (await this.#check.run(epoch)) },
    });
    this.#startedGc = !gc.isRunning; // decided and acted on at once: another handler sharing it sees it running
    await Promise.all([subscribed, this.#startedGc ? gc.start() : undefined]);
  }

  /** Leaves the election: the check in progress ends first (the plugin's run), then the election if this handler started it. */
  async #leave(starting: Promise<void> | undefined): Promise<void> {
    const [gc, startedGc] = [this.#gc, this.#startedGc];
    this.#gc = undefined; // a check in progress stops at its next step
    this.#startedGc = false;
    await starting;
    if (!gc) return;
    await gc.unsubscribePlugin(PLUGIN);
    this.#leadership(false, this.#leadingEpoch); // it supervises no more, whoever leads now
    if (startedGc) await gc.stop();
  }

  /** Tells `leadership:changed` listeners (metrics clear what only a leader reports) when this handler starts or stops leading. */
  #leadership(isLeader: boolean, epoch: number): void {
    if (isLeader === this.#leadingEpoch > 0) return;
    this.#leadingEpoch = isLeader ? epoch : 0;
    this.#ctx.emit('leadership:changed', { namespace: this.config.namespace, isLeader, epoch });
  }
}
