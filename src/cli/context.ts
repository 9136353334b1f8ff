/**
 * What most commands open: the store the coordinators use (REDIS_URL or --redis-url: a CLI process
 * on the embedded store would see nothing of theirs) and the signing secret from the environment.
 */
import { createStore } from '../store/create-store.js';
import type { Store } from '../store/port.js';
import { InvalidConfigError } from '../protocol/errors.js';
import type { Logger } from '../protocol/logger.js';

export interface StoreFlags {
  redisUrl?: string;
}

/** A command reports its own failure as one RDV_ERR line; the store's reconnection warnings would only repeat it. */
export const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

/**
 * The coordinators' Redis; a typed configuration error when none is named. `commandTimeoutMs`:
 * how long one command may take (a connection or operation gives up at twice that); ioredis's
 * store default (5 s) unless a command wants an answer sooner (doctor).
 */
export async function openStore(flags: StoreFlags, env: NodeJS.ProcessEnv = process.env, commandTimeoutMs?: number): Promise<Store> {
  const url = flags.redisUrl ?? (env.REDIS_URL || undefined);
  if (url === undefined) throw new InvalidConfigError('no Redis to use: set REDIS_URL or pass --redis-url (the embedded store lives in one process and holds nothing of other processes)');
  // A command fails fast on a dead Redis: the breaker's and reconnection's patience is a daemon's.
  return createStore({ url, env, breaker: false, logger: quiet, ...(commandTimeoutMs === undefined ? {} : { redisOptions: { commandTimeout: commandTimeoutMs } }) });
}

/** Runs `use` with an open store, closed afterwards whatever happens. */
export async function withStore<T>(flags: StoreFlags, use: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(flags);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
