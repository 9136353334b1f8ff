import type { Store } from '../../src/store/port.js';
import type { CoordinatorEscalatedEvent, CoordinatorWarningEvent } from '../../src/supervision/supervisor/events.js';
import { CoordinatorTimeoutHandler, type TimeoutHandlerOptions } from '../../src/supervision/timeout-handler.js';
import { SECRET, uniqueSwarm } from '../support/coordinators.js';
import { recordingLogger } from '../support/recording-logger.js';
import type { SpawnRequest, Spawner } from '../../src/supervision/spawner.js';

/** The supervisor's timings compressed: dead after 600 ms of silence, a check every 50 ms, escalated at the first warning. */
export const FAST_SUPERVISOR = { deadThresholdMs: 600, checkIntervalMs: 50, maxWarnings: 1 } as const;

/**
 * The supervisors' election with its deployed lease (15 s), for a supervisor that checks a flood.
 * A check of 10,000 registry entries holds its process's event loop for up to 2 s at a time on a
 * loaded 2-core machine (seen: 1.9 s); under supervised()'s compressed lease (900 ms) the leader
 * then steps down in the middle of its checks (seen: 2 to 31 times a run), each check it was
 * making stops at its next step, and when escalations happen is left to chance.
 */
export const FLOOD_ELECTION = { secret: SECRET } as const;

/**
 * A live supervisor under attack, and what it did: every escalation, warning and spawn request
 * (its spawner records them and starts nothing) with the number of the check it happened in, its log.
 */
export function supervised(store: Store, options: Partial<TimeoutHandlerOptions> = {}) {
  const logger = recordingLogger();
  const spawned: (SpawnRequest & { check: number })[] = [];
  const spawner: Spawner = { spawn: async (request) => void spawned.push({ ...request, check: handler.getMetrics().totalChecks }) };
  const handler = new CoordinatorTimeoutHandler({
    store,
    ...FAST_SUPERVISOR,
    namespace: uniqueSwarm('attacked-sv'),
    election: { secret: SECRET, leaseTimeoutMs: 900, heartbeatIntervalMs: 100, workerTimeoutMs: 2_000 },
    spawner,
    logger,
    env: {},
    ...options,
  });
  const escalated: (CoordinatorEscalatedEvent & { check: number })[] = [];
  const warned: (CoordinatorWarningEvent & { check: number })[] = [];
  const failed: unknown[] = [];
  handler.on('coordinator:escalated', (event) => escalated.push({ ...event, check: handler.getMetrics().totalChecks }));
  handler.on('coordinator:warning', (event) => warned.push({ ...event, check: handler.getMetrics().totalChecks }));
  handler.on('escalation:failed', ({ error }) => failed.push(error));
  const lines = (prefix: string) => logger.records.filter((record) => record.msg?.startsWith(prefix));
  return { handler, spawned, logger, escalated, warned, failed, lines };
}

/** How many of `events` happened in each check, by check number. */
export function perCheck(events: readonly { check: number }[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const { check } of events) counts.set(check, (counts.get(check) ?? 0) + 1);
  return counts;
}

/** Ids that break the id rule, as the attack session wrote them (one of them resolves inside a hook's parent directory). */
export const INVALID_IDS = ['../../etc/evil', 'has space;$(id)', '../outside-evil', 'a:b', '{slot}', 'x'.repeat(65), '', 'tab\there', 'new\nline'];
