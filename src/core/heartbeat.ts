import type { CoordinatorStatus, Heartbeat } from '../protocol/heartbeat.js';
import type { Logger } from '../protocol/logger.js';
import type { HeartbeatWrite, LivenessStore } from '../store/port.js';
import { logStoreFailure } from '../store/store-failure-log.js';
import type { CoordinatorConfig } from './coordinator-options.js';
import type { StoreClock } from './store-clock.js';

export interface HeartbeatState {
  iteration: number;
  phase: string;
  status: CoordinatorStatus;
  waitingFor: string[];
}

export interface HeartbeatDeps {
  store: LivenessStore;
  clock: StoreClock;
  config: CoordinatorConfig;
  logger: Logger;
  coordinatorId: string;
  swarmId: string;
  state(): HeartbeatState;
  onBeat(heartbeat: Heartbeat): void;
  onFailure(error: unknown): void;
}

/**
 * Writes `blocking:heartbeat:<id>` every interval (with the key's TTL) and refreshes the swarm
 * registry, which outlives the key so a supervisor can still find a coordinator whose key expired.
 * Chained timeouts, not setInterval: a slow store never stacks beats.
 */
export class HeartbeatLoop {
  readonly #deps: HeartbeatDeps;
  #sequence = 0;
  #timer: NodeJS.Timeout | undefined;
  /** The beat being written, if any: stop() waits for it, so no beat lands after a deregistration. */
  #ticking: Promise<void> | undefined;
  #stopped = false;

  constructor(deps: HeartbeatDeps) {
    this.#deps = deps;
  }

  /** Registers the coordinator with a first beat, then keeps beating. */
  async start(): Promise<void> {
    this.#stopped = false; // a retried initialize() starts it again
    const { write, heartbeat } = this.#next();
    await this.#deps.store.register(write);
    this.#deps.onBeat(heartbeat);
    this.#schedule();
  }

  /** Stops beating; settles once a beat being written has landed (or failed). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#ticking;
  }

  /**
   * One Timeout for the loop's life, rearmed by refresh(): a fleet of a thousand coordinators
   * allocates and links no new timer per beat.
   */
  #schedule(): void {
    if (this.#stopped) return;
    if (this.#timer) this.#timer.refresh();
    else this.#timer = setTimeout(this.#onTimer, this.#deps.config.heartbeatIntervalMs);
  }

  readonly #onTimer = (): void => {
    this.#ticking = this.#tick();
  };

  async #tick(): Promise<void> {
    const { store, clock, config } = this.#deps;
    try {
      if (clock.isStale(config.clockSyncIntervalMs)) await clock.sync(store);
      if (this.#stopped) return;
      const { write, heartbeat } = this.#next();
      await store.beat(write);
      this.#deps.onBeat(heartbeat);
    } catch (error) {
      logStoreFailure(this.#deps.logger, { err: error }, 'heartbeat failed');
      this.#deps.onFailure(error);
    } finally {
      this.#ticking = undefined;
      this.#schedule();
    }
  }

  #next(): { write: HeartbeatWrite; heartbeat: Heartbeat } {
    const { clock, config, coordinatorId, swarmId } = this.#deps;
    const { iteration, phase, status, waitingFor } = this.#deps.state();
    const heartbeat: Heartbeat = { coordinatorId, swarmId, timestamp: clock.now(), iteration, phase, status, waitingFor, sequence: ++this.#sequence };
    const write: HeartbeatWrite = {
      coordinatorId,
      swarmId,
      body: JSON.stringify(heartbeat),
      timestamp: heartbeat.timestamp,
      ttlMs: config.heartbeatTtlMs,
      registryTtlMs: config.registryTtlMs,
    };
    return { write, heartbeat };
  }
}
