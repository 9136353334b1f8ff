/** How long the records the adapters keep on their own live, and how many a log keeps: the same on every adapter. */

/** An inbox and its signals, and an idempotency record, unless the coordinator sets signalTtlMs. */
export const SIGNAL_TTL_MS = 86_400_000;
/** A fencing token (the highest supervisor epoch that wrote into a slot) outlives any term. */
export const FENCE_TTL_MS = 7 * 86_400_000;
/** A namespace's leadership events stream. */
export const LEASE_EVENTS_TTL_MS = 86_400_000;
/** A namespace's worker set and worker info. */
export const WORKERS_TTL_MS = 86_400_000;
/** A fenced write's key when its op gives no ttlMs. */
export const FENCED_WRITE_TTL_MS = 86_400_000;
/** Entries a swarm's event log keeps (about: Redis trims with MAXLEN ~). */
export const SWARM_EVENT_LOG_CAP = 1_000;
