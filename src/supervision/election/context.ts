import type { Logger } from '../../protocol/logger.js';
import type { LeaseHolder } from '../../store/lease-types.js';
import type { LeaseStore } from '../../store/port.js';
import type { ElectionConfig } from '../election-options.js';
import type { Forgeries } from './forgeries.js';
import type { ElectionSeals } from './seals.js';

/** What every part of one worker's election shares. */
export interface ElectionContext {
  readonly store: LeaseStore;
  readonly namespace: string;
  readonly workerId: string;
  /** This process's instance of the worker id: a twin with the same id is a different holder. */
  readonly holder: LeaseHolder;
  readonly config: ElectionConfig;
  readonly logger: Logger;
  /** Seals what this worker writes, verifies what it reads. */
  readonly seals: ElectionSeals;
  /** Counts and logs what it read and does not believe. */
  readonly forgeries: Forgeries;
  /** Logs `message` in the guide's form when diagnostics are on. */
  diag(message: string, level?: 'info' | 'debug'): void;
}

/** The guide's log form: `[coordinator:global] [<namespace>] <message>`, when diagnostics are on. */
export function diagnostics(logger: Logger, namespace: string, enabled: boolean): ElectionContext['diag'] {
  return (message, level = 'info') => {
    if (enabled) logger[level]({ diagnostics: true }, `[coordinator:global] [${namespace}] ${message}`);
  };
}
