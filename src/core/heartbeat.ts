import type { CoordinatorStatus, Heartbeat } from '../protocol/heartbeat.js';
import type { Logger } from '../protocol/logger.js';
import type { HeartbeatWrite, LivenessStore } from '../store/port.js';
import { logStoreFailure } from '../store/store-failure-log.js';
import type { CoordinatorConfig } from './coordinator-options.js';
import { HeartbeatPump, type Beating } from './heartbeat-pump.js';
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

const DONE = Promise.resolve();

/**
 * Writes `blocking:heartbeat:<id>` every interval (with the key's TTL) and refreshes the swarm
 * registry, which outlives the key so a supervisor can still find a coordinator whose key expired.
 * The first beat registers; the process's heartbeat pump for the store and interval sends the
 * rest, with the other coordinators' beats (heartbeat-pump.ts): no timer of its own, and a slow
 * store never stacks beats (a round waits for its beats).
 */
export class HeartbeatLoop implements Beating {
  readonly #deps: HeartbeatDeps;
  #sequence = 0;
  #pump: HeartbeatPump | undefined;
  /** The beat being written, if any: stop() waits for it, so no beat lands after a deregistration. */
  #ticking: Promise<void> | undefined;
  /** The heartbeat of the beat being written, reported once it lands. */
  #writing: Heartbeat | undefined;
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
    if (this.#stopped || this.#pump) return;
    this.#pump = HeartbeatPump.of(this.#deps.store, this.#deps.config.heartbeatIntervalMs);
    this.#pump.join(this);
  }

  /** Stops beating; settles once a beat being written has landed (or failed). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#pump?.leave(this);
    this.#pump = undefined;
    await this.#ticking;
  }

  /**
   * One beat (the pump's): syncs the clock if due, writes, reports. Never rejects: a failure is
   * logged and reported through onFailure. Promise callbacks, not an async function: a fleet makes
   * a thousand of these at once, and each async frame is one more object in flight.
   */
  beat(): Promise<void> {
    if (this.#stopped) return DONE;
    const { clock, config, store } = this.#deps;
    let writing: Promise<void>;
    try {
      writing = clock.isStale(config.clockSyncIntervalMs) ? clock.sync(store).then(this.#write) : this.#write();
    } catch (error) {
      writing = Promise.reject(error);
    }
    return (this.#ticking = writing.then(this.#landed, this.#failed));
  }

  readonly #write = (): Promise<void> => {
    if (this.#stopped) return DONE; // stopped while the clock synced
    const { write, heartbeat } = this.#next();
    this.#writing = heartbeat;
    return this.#deps.store.beat(write);
  };

  readonly #landed = (): void => {
    const heartbeat = this.#writing;
    this.#writing = undefined;
    this.#ticking = undefined;
    if (heartbeat) this.#deps.onBeat(heartbeat);
  };

  readonly #failed = (error: unknown): void => {
    this.#writing = undefined;
    this.#ticking = undefined;
    logStoreFailure(this.#deps.logger, { err: error }, 'heartbeat failed');
    this.#deps.onFailure(error);
  };

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
