import { BlockingCoordinator, type BlockingCoordinatorOptions } from '../../src/core/coordinator.js';
import type { Store } from '../../src/store/port.js';
import { recordingLogger } from './recording-logger.js';

export const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
export const OTHER_SECRET = 'other-secret-0123456789abcdef0123456789abcdef';

/** Runbook timings compressed to milliseconds; the same code paths as production. */
export const FAST = {
  heartbeatIntervalMs: 50,
  heartbeatTtlMs: 400,
  blockingTimeoutMs: 5_000,
} as const;

/** Builds coordinators with compressed timings and a recording logger, and shuts them all down. */
export class Coordinators {
  readonly all: BlockingCoordinator[] = [];
  readonly #store: () => Store;
  readonly #swarmId: string;

  constructor(store: () => Store, swarmId: string) {
    this.#store = store;
    this.#swarmId = swarmId;
  }

  make(id: string, options: Partial<BlockingCoordinatorOptions> = {}): BlockingCoordinator & { logs: ReturnType<typeof recordingLogger> } {
    const logs = recordingLogger();
    const coordinator = new BlockingCoordinator({
      id,
      store: this.#store(),
      secret: SECRET,
      swarmId: this.#swarmId,
      logger: logs,
      env: {},
      ...FAST,
      ...options,
    });
    this.all.push(coordinator);
    return Object.assign(coordinator, { logs });
  }

  async start(id: string, options: Partial<BlockingCoordinatorOptions> = {}): Promise<BlockingCoordinator & { logs: ReturnType<typeof recordingLogger> }> {
    const coordinator = this.make(id, options);
    await coordinator.start();
    return coordinator;
  }

  async shutdownAll(): Promise<void> {
    await Promise.all(this.all.map((c) => c.stop()));
    this.all.length = 0;
  }
}

let counter = 0;
/** A swarm id no other test uses, so tests sharing a store never see each other's keys. */
export function uniqueSwarm(prefix = 'swarm'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}
