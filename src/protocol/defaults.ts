/**
 * The one defaults object. Every option of the library starts here; options and the runbooks'
 * environment variables override it (core/config.ts). Tests compress these to milliseconds.
 */
export const DEFAULTS = {
  /** Time between heartbeats, ms. Env HEARTBEAT_INTERVAL (ms). */
  heartbeatIntervalMs: 5_000,
  /** Lifetime of a heartbeat key, ms; must exceed the interval. Env HEARTBEAT_TTL (seconds, as in the runbooks). */
  heartbeatTtlMs: 90_000,
  /** Heartbeat age after which a coordinator counts as dead, ms. Env DEAD_THRESHOLD (ms). */
  deadThresholdMs: 120_000,
  /** Warnings before a dead coordinator is escalated. */
  maxWarnings: 3,
  /** Heartbeat age after which cleanup removes a coordinator's state, ms. */
  staleThresholdMs: 600_000,
  /** Lifetime of an undelivered signal and of an idempotency record, ms. */
  signalTtlMs: 86_400_000,
  /** Lifetime of an ACK (and so of the "already processed" mark), ms; must exceed the replay window. */
  ackTtlMs: 3_600_000,
  /** A signal or ACK written to the store this long after it was signed is a replay, ms. */
  replayWindowMs: 300_000,
  /** Default timeout of blockUntilSignal, ms. Env BLOCKING_TIMEOUT_MS. */
  blockingTimeoutMs: 1_800_000,
  /** Lifetime of a coordinator's work items, refreshed by each assignment, ms. */
  workTtlMs: 7 * 86_400_000,
  /** Lifetime of a swarm's coordinator registry, refreshed by every heartbeat, ms. */
  registryTtlMs: 7 * 86_400_000,
  /** Store clock re-synchronisation period, ms. */
  clockSyncIntervalMs: 60_000,
  /** Most ACK notices kept per sender (approximate cap). */
  ackNoticeMaxLen: 1_000,
  /** Largest signal body accepted for sending, and largest ACK body with a result, bytes. */
  maxSignalBytes: 1_048_576,
  /** Entries read from an inbox per round trip. */
  readBatchSize: 100,
  /** Shortest signing secret, bytes. */
  minSecretBytes: 32,
  /** Retry delays of the circuit breaker, ms (wired in the resilience issue). */
  circuitBreakerDelaysMs: [1_000, 2_000, 4_000, 8_000],
  /** Circuit breaker cooldown before half-open, ms. */
  circuitBreakerCooldownMs: 30_000,
  /** Leader lease, ms. */
  leaseTimeoutMs: 15_000,
  /** Worker timeout of the global coordinator, ms. */
  workerTimeoutMs: 25_000,
  /** Signals per minute per sender and receiver. */
  rateLimitPerMinute: 100,
} as const;

export type Defaults = typeof DEFAULTS;
