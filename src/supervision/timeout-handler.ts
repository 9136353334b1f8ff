import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Hooks, type HookOptions } from '../core/hooks.js';
import { StoreClock } from '../core/store-clock.js';
import { emitSafely } from '../core/safe-emit.js';
import { DEFAULTS } from '../protocol/defaults.js';
import { NotLeaderError } from '../protocol/errors.js';
import { assertId, assertIds } from '../protocol/ids.js';
import { parseHeartbeat } from '../protocol/heartbeat.js';
import { keys } from '../protocol/keys.js';
import type { Logger } from '../protocol/logger.js';
import { defaultLogger } from '../store/default-logger.js';
import type { LeaseStore, LivenessStore, MaintenanceStore, SupervisionStore } from '../store/port.js';
import type { GlobalCoordinatorOptions } from './global-config.js';
import { getGlobalCoordinator } from './global-coordinator-registry.js';
import type { GlobalCoordinator } from './global-coordinator.js';
import { recordOnlySpawner, type SpawnRequest, type Spawner } from './spawner.js';
import { findCycles } from './wait-for-graph.js';

/** The store roles the supervisor uses (LeaseStore for its election). */
type Store = SupervisionStore & LivenessStore & MaintenanceStore & LeaseStore;

const PLUGIN = 'coordinator-timeout-handler';
const RECORD_TTL_MS = 7 * 86_400_000;

export interface TimeoutHandlerOptions {
  store: Store;
  /** A coordinator silent (no heartbeat, no activity) this long is dead, ms. Default DEAD_THRESHOLD or 120 000. */
  timeoutThreshold?: number;
  /** Period of the leader's check, ms. Default 30 000. */
  checkInterval?: number;
  /** Warnings before escalation. Default 3. */
  maxWarnings?: number;
  /** Remove the dead coordinator's heartbeat, warnings and activity after escalating. Default true. */
  autoCleanup?: boolean;
  /** Escalate after maxWarnings. Default true. */
  autoEscalate?: boolean;
  spawner?: Spawner;
  /** The global-coordinator namespace the supervisors elect their leader in. Default `supervisor`. */
  namespace?: string;
  /** Options of that global coordinator (when this handler is the first to ask for it). */
  election?: GlobalCoordinatorOptions;
  /** Lifecycle hooks `on_coordinator_dead` and `on_escalation`; off unless ENABLE_TIMEOUT_HOOKS=true. */
  hooks?: HookOptions;
  logger?: Logger;
}

export interface TimeoutHandlerMetrics {
  totalChecks: number;
  timeoutEventsTotal: number;
  warningsIssued: number;
  escalations: number;
  cleanupsPerformed: number;
  cleanupFailures: number;
  deadlocksDetected: number;
}

interface Events {
  'coordinator:warning': [event: { coordinatorId: string; swarmId: string; count: number; ageMs: number }];
  'coordinator:recovered': [event: { coordinatorId: string; swarmId: string; warnings: number }];
  'coordinator:timeout': [event: { coordinatorId: string; swarmId: string; timeoutDuration: number; reason: 'heartbeat'; metadata: { lastSeen: number } }];
  'coordinator:escalated': [event: { deadCoordinatorId: string; newCoordinatorId: string; swarmId: string; workItemsMoved: number; signalsMoved: number }];
  'escalation:failed': [event: { coordinatorId: string; swarmId: string; error: unknown }];
  'cleanup:complete': [event: { coordinatorId: string; swarmId: string; timestamp: number }];
  'cleanup:failed': [event: { coordinatorId: string; swarmId: string; error: unknown }];
  'deadlock:detected': [event: { cycle: string[]; swarmId: string }];
}

/**
 * The supervisor: finds dead coordinators from the swarm registries and store time, warns (the
 * count lives in the store, so a supervisor failover continues it), clears warnings when a
 * heartbeat resumes, and after maxWarnings escalates: one atomic, idempotent store step records
 * the escalation and spawn request and moves the dead coordinator's work to its replacement.
 * Monitoring runs as a plugin of a global coordinator: only the leader checks, and every write
 * carries its epoch.
 */
export class CoordinatorTimeoutHandler extends EventEmitter<Events> {
  readonly #store: Store;
  readonly #options: Required<Omit<TimeoutHandlerOptions, 'store' | 'spawner' | 'election' | 'logger' | 'hooks'>>;
  readonly #spawner: Spawner;
  readonly #election: GlobalCoordinatorOptions | undefined;
  readonly #logger: Logger;
  readonly #clock = new StoreClock();
  readonly #hooks: Hooks;
  readonly #metrics: TimeoutHandlerMetrics = {
    totalChecks: 0,
    timeoutEventsTotal: 0,
    warningsIssued: 0,
    escalations: 0,
    cleanupsPerformed: 0,
    cleanupFailures: 0,
    deadlocksDetected: 0,
  };
  #gc: GlobalCoordinator | undefined;
  #startedGc = false;
  /** A stopMonitoring() in progress: a startMonitoring() begins after it, not before its gc.stop(). */
  #stopping: Promise<void> | undefined;

  constructor(options: TimeoutHandlerOptions) {
    super();
    this.#store = options.store;
    const envThreshold = Number(process.env.DEAD_THRESHOLD);
    this.#options = {
      timeoutThreshold: options.timeoutThreshold ?? (Number.isFinite(envThreshold) && envThreshold > 0 ? envThreshold : DEFAULTS.deadThresholdMs),
      checkInterval: options.checkInterval ?? 30_000,
      maxWarnings: options.maxWarnings ?? DEFAULTS.maxWarnings,
      autoCleanup: options.autoCleanup ?? true,
      autoEscalate: options.autoEscalate ?? true,
      namespace: options.namespace ?? 'supervisor',
    };
    assertId(this.#options.namespace, 'namespace');
    this.#spawner = options.spawner ?? recordOnlySpawner;
    this.#election = options.election;
    this.#logger = (options.logger ?? defaultLogger()).child({ component: 'timeout-handler' });
    this.#hooks = new Hooks(options.hooks ?? {}, this.#logger);
  }

  /** Joins the supervisors' election; while this worker leads, it checks every checkInterval. */
  startMonitoring(): void {
    if (this.#gc) return;
    const gc = getGlobalCoordinator(this.#store, this.#options.namespace, this.#election);
    this.#gc = gc;
    const begin = (): void => {
      if (this.#gc !== gc) return; // stopped again meanwhile
      void gc.subscribePlugin(PLUGIN, { leaderWork: { intervalMs: this.#options.checkInterval, run: ({ epoch }) => this.#checkAll(epoch) } });
      if (gc.isRunning) return;
      this.#startedGc = true;
      gc.start().catch((error: unknown) => this.#logger.warn({ err: error }, 'could not join the supervisor election'));
    };
    if (this.#stopping) void this.#stopping.then(begin);
    else begin();
  }

  /**
   * Stops checking; settles once a check in progress (an escalation, its clean-up) has finished,
   * which can take up to the election's lease: do not await it from a listener or spawner.
   */
  stopMonitoring(): Promise<void> {
    const gc = this.#gc;
    this.#gc = undefined;
    if (!gc) return this.#stopping ?? Promise.resolve();
    const startedGc = this.#startedGc;
    this.#startedGc = false;
    const stopping = (async () => {
      await this.#stopping; // an earlier stop first
      await gc.unsubscribePlugin(PLUGIN);
      if (startedGc) await gc.stop();
    })().finally(() => {
      if (this.#stopping === stopping) this.#stopping = undefined;
    });
    this.#stopping = stopping;
    return stopping;
  }

  /** Records that a coordinator is active (and, for deadlock detection, what it waits for). */
  async recordActivity(coordinatorId: string, iteration: number, phase: string, options: { swarmId?: string; waitingFor?: string[] } = {}): Promise<void> {
    assertId(coordinatorId, 'coordinator id');
    const swarmId = options.swarmId ?? 'default';
    assertId(swarmId, 'swarm id');
    if (options.waitingFor) assertIds(options.waitingFor, 'coordinator id');
    const timestamp = await this.#now();
    const body = JSON.stringify({ coordinatorId, swarmId, iteration, phase, waitingFor: options.waitingFor ?? [], timestamp });
    await this.#store.recordActivity({ swarmId, coordinatorId }, body, 2 * DEFAULTS.staleThresholdMs);
  }

  /** Whether a coordinator has been silent (heartbeat and activity) longer than the threshold, by store time. */
  async checkCoordinatorTimeout(coordinatorId: string, swarmId?: string): Promise<boolean> {
    assertId(coordinatorId, 'coordinator id');
    const now = await this.#now();
    for (const swarm of swarmId === undefined ? await this.#store.listSwarms() : [swarmId]) {
      const lastSeen = (await this.#lastSeen(swarm)).get(coordinatorId);
      if (lastSeen !== undefined) return now - lastSeen > this.#options.timeoutThreshold;
    }
    return false;
  }

  /** Escalates a dead coordinator (the leading supervisor only); returns its replacement's id, the same on every call. */
  async escalateDeadCoordinator(coordinatorId: string, swarmId: string): Promise<string> {
    assertId(coordinatorId, 'coordinator id');
    assertId(swarmId, 'swarm id');
    const gc = this.#gc;
    if (!gc?.isLeader()) throw new NotLeaderError(this.#options.namespace, 'escalateDeadCoordinator');
    return this.#escalate(coordinatorId, swarmId, gc.getEpoch());
  }

  /** Removes a dead coordinator's heartbeat, warnings, activity and registry entry (not its work or inbox). */
  async cleanupTimeoutCoordinator(coordinatorId: string, swarmId = 'default'): Promise<void> {
    assertId(coordinatorId, 'coordinator id');
    try {
      await this.#store.deleteKeys([keys.heartbeat(coordinatorId), keys.warning(swarmId, coordinatorId), keys.activity(swarmId, coordinatorId)]);
      await this.#store.unregister(swarmId, [coordinatorId]);
      this.#metrics.cleanupsPerformed += 1;
      this.#emit('cleanup:complete', { coordinatorId, swarmId, timestamp: await this.#now() });
    } catch (error) {
      this.#metrics.cleanupFailures += 1;
      this.#emit('cleanup:failed', { coordinatorId, swarmId, error });
    }
  }

  getMetrics(): TimeoutHandlerMetrics {
    return { ...this.#metrics };
  }

  /** One check of every swarm by the leader of term `epoch`. */
  async #checkAll(epoch: number): Promise<void> {
    this.#metrics.totalChecks += 1;
    const now = await this.#now();
    for (const swarmId of await this.#store.listSwarms()) {
      if (!this.#gc?.isLeader()) return; // stopped, or the term ended
      await this.#resumeSpawns(swarmId, now, epoch);
      const lastSeen = await this.#lastSeen(swarmId);
      const ids = [...lastSeen.keys()];
      const warnings = await this.#store.readStrings(ids.map((id) => keys.warning(swarmId, id)));
      await this.#detectDeadlocks(swarmId, ids.filter((id) => now - lastSeen.get(id)! <= this.#options.timeoutThreshold), epoch);
      for (const [i, coordinatorId] of ids.entries()) {
        if (!this.#gc?.isLeader()) return; // the term ended during the check
        const ageMs = now - lastSeen.get(coordinatorId)!;
        const fence = { namespace: this.#options.namespace, epoch };
        const owner = { swarmId, coordinatorId };
        if (ageMs <= this.#options.timeoutThreshold) {
          if (Number(warnings[i] ?? 0) === 0) continue;
          const cleared = await this.#store.clearWarnings(owner, fence);
          if (cleared > 0) this.#emit('coordinator:recovered', { coordinatorId, swarmId, warnings: cleared });
          continue;
        }
        const count = await this.#store.warnCoordinator(owner, fence, 4 * this.#options.checkInterval * this.#options.maxWarnings);
        if (count < 0) return; // fenced out: a newer supervisor term exists
        this.#metrics.warningsIssued += 1;
        if (count === 1) {
          this.#metrics.timeoutEventsTotal += 1;
          this.#emit('coordinator:timeout', { coordinatorId, swarmId, timeoutDuration: ageMs, reason: 'heartbeat', metadata: { lastSeen: lastSeen.get(coordinatorId)! } });
          void this.#hooks.run('on_coordinator_dead', { AGENT_ID: coordinatorId, SWARM_ID: swarmId, SILENT_MS: ageMs });
        }
        this.#emit('coordinator:warning', { coordinatorId, swarmId, count, ageMs });
        if (count >= this.#options.maxWarnings && this.#options.autoEscalate) await this.#escalate(coordinatorId, swarmId, epoch).catch(() => undefined);
      }
    }
  }

  async #escalate(deadId: string, swarmId: string, epoch: number): Promise<string> {
    const newId = `${deadId.slice(0, 55)}-r${randomBytes(3).toString('hex')}`;
    try {
      const result = await this.#store.escalate({ swarmId, coordinatorId: deadId }, newId, { namespace: this.#options.namespace, epoch }, { recordTtlMs: RECORD_TTL_MS, workTtlMs: DEFAULTS.workTtlMs, inboxTtlMs: DEFAULTS.signalTtlMs });
      if (result.outcome === 'fenced') throw new NotLeaderError(this.#options.namespace, 'escalation (a newer supervisor term exists)');
      if (result.outcome === 'created') {
        this.#metrics.escalations += 1;
        await this.#spawn({ newCoordinatorId: result.newCoordinatorId, replaces: deadId, swarmId }, epoch);
        void this.#hooks.run('on_escalation', { AGENT_ID: deadId, NEW_AGENT_ID: result.newCoordinatorId, SWARM_ID: swarmId, WORK_ITEMS: result.workItemsMoved });
        this.#emit('coordinator:escalated', {
          deadCoordinatorId: deadId,
          newCoordinatorId: result.newCoordinatorId,
          swarmId,
          workItemsMoved: result.workItemsMoved,
          signalsMoved: result.signalsMoved,
        });
        if (this.#options.autoCleanup) await this.cleanupTimeoutCoordinator(deadId, swarmId);
      }
      return result.newCoordinatorId;
    } catch (error) {
      this.#emit('escalation:failed', { coordinatorId: deadId, swarmId, error });
      throw error;
    }
  }

  /**
   * Builds the swarm's wait-for graph from what live coordinators' waits record (heartbeats carry
   * `waitingFor`; so does recorded activity) and reports each cycle once, fenced by the term.
   */
  async #detectDeadlocks(swarmId: string, live: string[], epoch: number): Promise<void> {
    const [beats, activity] = await Promise.all([
      this.#store.readStrings(live.map((id) => keys.heartbeat(id))),
      this.#store.readStrings(live.map((id) => keys.activity(swarmId, id))),
    ]);
    const graph = new Map<string, Set<string>>();
    live.forEach((id, i) => {
      const waits = new Set([...(parseHeartbeat(beats[i] ?? '')?.waitingFor ?? []), ...waitingForOf(activity[i] ?? null)]);
      if (waits.size > 0) graph.set(id, waits);
    });
    for (const cycle of findCycles(graph)) {
      const key = keys.deadlock(swarmId, createHash('sha256').update(cycle.join(' ')).digest('hex').slice(0, 32));
      const [reported] = await this.#store.readStrings([key]);
      if (reported !== null) continue;
      const written = await this.#gc?.fenced(epoch, [{ op: 'set', key, value: JSON.stringify({ cycle, swarmId }), ttlMs: 3_600_000 }], { tag: swarmId });
      if (!written) continue;
      this.#metrics.deadlocksDetected += 1;
      this.#emit('deadlock:detected', { cycle, swarmId });
    }
  }

  /** Starts a replacement and marks its request carried out (fenced: a newer term's request stays for it). */
  async #spawn(request: SpawnRequest, epoch: number): Promise<void> {
    await this.#spawner.spawn(request);
    await this.#store.markSpawned(request.swarmId, request.newCoordinatorId, { namespace: this.#options.namespace, epoch });
  }

  /**
   * Carries out spawn requests an earlier leader recorded but did not see through (killed between
   * the escalation and the spawn). Requests younger than two checks may still be in the hands of
   * the escalation that made them.
   */
  async #resumeSpawns(swarmId: string, now: number, epoch: number): Promise<void> {
    for (const pending of await this.#store.pendingSpawns(swarmId)) {
      if (pending.requestedAt > now - 2 * this.#options.checkInterval) continue;
      const request = { newCoordinatorId: pending.newCoordinatorId, replaces: pending.replaces, swarmId };
      await this.#spawn(request, epoch).catch((error: unknown) => this.#emit('escalation:failed', { coordinatorId: pending.replaces, swarmId, error }));
      this.#logger.info(request, 'resumed a spawn request an earlier supervisor left');
    }
  }

  /** Last sign of life per registered coordinator of a swarm: the later of its heartbeat (registry) and recorded activity. */
  async #lastSeen(swarmId: string): Promise<Map<string, number>> {
    const entries = await this.#store.listRegistry(swarmId);
    const activity = await this.#store.readStrings(entries.map((e) => keys.activity(swarmId, e.coordinatorId)));
    return new Map(
      entries.map((entry, i) => {
        let at = entry.lastSeen;
        try {
          const recorded = (JSON.parse(activity[i] ?? 'null') as { timestamp?: number } | null)?.timestamp;
          if (typeof recorded === 'number') at = Math.max(at, recorded);
        } catch {
          // unreadable activity: the heartbeat decides
        }
        return [entry.coordinatorId, at];
      }),
    );
  }

  async #now(): Promise<number> {
    if (this.#clock.isStale(DEFAULTS.clockSyncIntervalMs)) await this.#clock.sync(this.#store);
    return this.#clock.now();
  }

  #emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    emitSafely(this.#logger, event, () => (this.emit as (e: K, ...a: Events[K]) => boolean)(event, ...args));
  }
}

/** The `waitingFor` list of a recorded activity. */
function waitingForOf(body: string | null): string[] {
  try {
    const waiting = (JSON.parse(body ?? 'null') as { waitingFor?: unknown } | null)?.waitingFor;
    return Array.isArray(waiting) ? waiting.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}
