import { ThrottledReport } from '../../core/throttled-report.js';
import { isValidId } from '../../protocol/ids.js';
import type { Logger } from '../../protocol/logger.js';
import type { MaintenanceStore } from '../../store/port.js';

/** Where a rejected entry was read: the swarm set and the registries, or a record the supervisor acts on. */
export type RegistrySource = 'swarms' | 'registry';
export type RecordSource = 'waitingFor' | 'spawnRequests' | 'escalationRecords';

export interface RejectionMetrics {
  /** Swarm set members and registry entries skipped: an id breaking the id rule, or a score that is no time. */
  rejectedRegistryEntries: number;
  /** Other entries skipped: waitingFor ids, spawn requests and escalation records that are malformed or inconsistent. */
  rejectedRecords: number;
}

/**
 * Redis is trusted for availability, not integrity: whatever the supervisor reads back (swarms,
 * registry members, the ids in records) is checked before use. An entry that fails is skipped,
 * never reaching a key name, a spawner's argv or a hook's environment; it is counted, and
 * reported in one log line per interval with the counts and a few samples.
 */
export class Rejections {
  readonly #report: ThrottledReport;
  readonly #counts: RejectionMetrics = { rejectedRegistryEntries: 0, rejectedRecords: 0 };

  constructor(logger: Logger, intervalMs: number) {
    this.#report = new ThrottledReport(
      ({ counts, samples }) => logger.warn({ rejected: counts, samples }, 'skipped entries read from the store that break the id rule or their format (counts since the last report; see docs/security.md)'),
      intervalMs,
    );
  }

  get metrics(): RejectionMetrics {
    return { ...this.#counts };
  }

  registry(source: RegistrySource, value: unknown): void {
    this.#counts.rejectedRegistryEntries += 1;
    this.#report.add(source, 1, value);
  }

  record(source: RecordSource, value: unknown): void {
    this.#counts.rejectedRecords += 1;
    this.#report.add(source, 1, value);
  }

  /** Writes the report line if one is due (at the end of each check). */
  flush(): void {
    this.#report.flush();
  }
}

/** Every swarm of the swarm set that follows the id rule (the others rejected). */
export async function readSwarms(store: Pick<MaintenanceStore, 'listSwarms'>, rejections: Rejections): Promise<string[]> {
  return validIds(await store.listSwarms(), (value) => rejections.registry('swarms', value));
}

/** The values that follow the id rule; `reject` is told of each other one. */
export function validIds(values: readonly unknown[], reject: (value: unknown) => void): string[] {
  const valid: string[] = [];
  for (const value of values) {
    if (isValidId(value)) valid.push(value);
    else reject(value);
  }
  return valid;
}
