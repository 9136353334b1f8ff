import { redactError, redactText } from './redact.js';

/**
 * The error catalogue: every error Rendezvous throws is a RendezvousError with a stable
 * `code` (RDV_ERR_*), a message that says what to do, and context fields.
 * docs/errors.md lists them; keep the two in step.
 */
export const ERROR_CODES = {
  INVALID_ID: 'RDV_ERR_INVALID_ID',
  INVALID_CONFIG: 'RDV_ERR_INVALID_CONFIG',
  SECRET_MISSING: 'RDV_ERR_SECRET_MISSING',
  SECRET_TOO_SHORT: 'RDV_ERR_SECRET_TOO_SHORT',
  TIMEOUT: 'RDV_ERR_TIMEOUT',
  STOPPED: 'RDV_ERR_STOPPED',
  NOT_STARTED: 'RDV_ERR_NOT_STARTED',
  ABORTED: 'RDV_ERR_ABORTED',
  INVALID_SIGNAL: 'RDV_ERR_INVALID_SIGNAL',
  INVALID_PAYLOAD: 'RDV_ERR_INVALID_PAYLOAD',
  STORE_UNAVAILABLE: 'RDV_ERR_STORE_UNAVAILABLE',
  STORE_COMMAND: 'RDV_ERR_STORE_COMMAND',
  NOT_LEADER: 'RDV_ERR_NOT_LEADER',
  STORE_CLOSED: 'RDV_ERR_STORE_CLOSED',
  STORE_MISCONFIGURED: 'RDV_ERR_STORE_MISCONFIGURED',
  REPLICATION_SHORTFALL: 'RDV_ERR_REPLICATION_SHORTFALL',
  CIRCUIT_OPEN: 'RDV_ERR_CIRCUIT_OPEN',
  RATE_LIMITED: 'RDV_ERR_RATE_LIMITED',
  INBOX_FULL: 'RDV_ERR_INBOX_FULL',
  ROUND_TAKEN: 'RDV_ERR_ROUND_TAKEN',
  INVALID_REQUEST: 'RDV_ERR_INVALID_REQUEST',
  UNAUTHORIZED: 'RDV_ERR_UNAUTHORIZED',
  FORBIDDEN: 'RDV_ERR_FORBIDDEN',
  NOT_FOUND: 'RDV_ERR_NOT_FOUND',
  INTERNAL: 'RDV_ERR_INTERNAL',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Codes of failures that the same call may get past later, unchanged: the store back, a leader found, a limit reset. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  ERROR_CODES.TIMEOUT,
  ERROR_CODES.STORE_UNAVAILABLE,
  ERROR_CODES.CIRCUIT_OPEN,
  ERROR_CODES.REPLICATION_SHORTFALL,
  ERROR_CODES.NOT_LEADER,
  ERROR_CODES.RATE_LIMITED,
  ERROR_CODES.INBOX_FULL,
]);

/** Whether a failure with this code may succeed if the same call is made again later (the `retryable` of the daemon's and the CLI's JSON errors). */
export function isRetryable(code: string): boolean {
  return RETRYABLE_CODES.has(code);
}

export class RendezvousError extends Error {
  readonly code: ErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.context = context;
  }
}

/** An id (coordinator, swarm, namespace, task, signal type, idempotency key) broke the id rule. */
export class InvalidIdError extends RendezvousError {
  constructor(kind: string, value: unknown, rule: string) {
    super(ERROR_CODES.INVALID_ID, `Invalid ${kind} ${describeValue(value)}: ${rule}.`, { kind, value });
  }
}

/**
 * A cause's message for another error's message, credentials removed: the cause itself is kept
 * as a redacted copy, since loggers (pino's err serializer) print a cause's every field.
 */
function detailOf(cause: unknown): string {
  return redactText(cause instanceof Error ? cause.message : String(cause));
}

/** A short, never-throwing rendering of any value for an error message. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
  if (value === null || ['number', 'boolean', 'undefined'].includes(typeof value)) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  return `(${Array.isArray(value) ? 'array' : typeof value})`;
}

/** An option or environment variable is missing, of the wrong type or out of range. */
export class InvalidConfigError extends RendezvousError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(ERROR_CODES.INVALID_CONFIG, `Invalid configuration: ${message}`, context);
  }
}

/** No signing secret was given and the development flag was not set. */
export class SecretMissingError extends RendezvousError {
  constructor() {
    super(
      ERROR_CODES.SECRET_MISSING,
      'No signing secret: pass `secret` or set BLOCKING_COORDINATION_SECRET (generate one with `openssl rand -hex 32`). ' +
        'For local development only, pass `allowGeneratedSecret: true` or set RENDEZVOUS_DEV_SECRET=1.',
    );
  }
}

/** A signing secret is shorter than the 32 bytes HMAC-SHA256 needs to be safe. */
export class SecretTooShortError extends RendezvousError {
  constructor(which: string, bytes: number, minimum: number) {
    super(
      ERROR_CODES.SECRET_TOO_SHORT,
      `The ${which} secret is ${bytes} bytes; at least ${minimum} are required (generate one with \`openssl rand -hex 32\`).`,
      { which, bytes, minimum },
    );
  }
}

/** A wait reached its timeout without the signal it was waiting for. */
export class SignalTimeoutError extends RendezvousError {
  constructor(coordinatorId: string, timeoutMs: number, filter: Record<string, unknown>) {
    super(
      ERROR_CODES.TIMEOUT,
      `Coordinator ${coordinatorId} received no matching signal within ${timeoutMs} ms; ` +
        'check that the sender runs, shares the secret, and addresses this id and swarm.',
      { coordinatorId, timeoutMs, filter },
    );
  }
}

/** The coordinator was stopped while the call was in progress, or the call came after stop(). */
export class CoordinatorStoppedError extends RendezvousError {
  constructor(coordinatorId: string) {
    super(ERROR_CODES.STOPPED, `Coordinator ${coordinatorId} is stopped; create a new one to continue.`, { coordinatorId });
  }
}

/** A method that needs `start()` was called before it. */
export class NotStartedError extends RendezvousError {
  constructor(coordinatorId: string, method: string) {
    super(ERROR_CODES.NOT_STARTED, `Call start() on coordinator ${coordinatorId} before ${method}().`, { coordinatorId, method });
  }
}

/** The caller's AbortSignal fired. */
export class AbortedError extends RendezvousError {
  constructor(coordinatorId: string, reason?: unknown) {
    super(ERROR_CODES.ABORTED, `The wait of coordinator ${coordinatorId} was aborted by its caller.`, { coordinatorId, reason });
  }
}

/** acknowledge() was given something that is not a signal this coordinator received. */
export class InvalidSignalError extends RendezvousError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(ERROR_CODES.INVALID_SIGNAL, message, context);
  }
}

/** A payload cannot be sent: not JSON-serialisable, or larger than the limit. */
export class InvalidPayloadError extends RendezvousError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(ERROR_CODES.INVALID_PAYLOAD, message, context);
  }
}

/** The store could not be reached or refused the operation. Nothing was lost: retry later. */
export class StoreUnavailableError extends RendezvousError {
  constructor(operation: string, cause: unknown) {
    super(
      ERROR_CODES.STORE_UNAVAILABLE,
      `Store operation ${operation} failed (${detailOf(cause)}); check REDIS_URL and that Redis answers PING, then retry.`,
      { operation },
      { cause: redactError(cause) },
    );
  }
}

/**
 * The store refused an operation for a reason a retry does not fix: a key of the wrong type, a
 * script error, data it could not read. Someone changed Rendezvous keys by hand, or a bug.
 */
export class StoreCommandError extends RendezvousError {
  constructor(operation: string, cause: unknown) {
    super(
      ERROR_CODES.STORE_COMMAND,
      `Store operation ${operation} was refused (${detailOf(cause)}); check the keys it names with redis-cli (docs/runbook.md), a retry will not help.`,
      { operation },
      { cause: redactError(cause) },
    );
  }
}

/** A supervisor action that only the leading supervisor may take was asked of one that does not lead. */
export class NotLeaderError extends RendezvousError {
  /** The leader as far as this worker knows (null: none, or unknown). */
  readonly leaderId: string | null;

  constructor(namespace: string, action: string, leaderId: string | null = null) {
    super(
      ERROR_CODES.NOT_LEADER,
      `${action} needs the leadership of namespace ${namespace}; this worker does not lead it${leaderId ? ` (${leaderId} does)` : ''}. Call it on the leader, or wait for start() to elect one.`,
      { namespace, action, leaderId },
    );
    this.leaderId = leaderId;
  }
}

/** The store was closed; create a new one. */
export class StoreClosedError extends RendezvousError {
  constructor(operation: string) {
    super(ERROR_CODES.STORE_CLOSED, `Store is closed; ${operation} needs a store from createStore().`, { operation });
  }
}

/**
 * The store is set up in a way that loses Rendezvous' state without a word (a Redis that evicts
 * keys under memory pressure): refused at start, before anything is written to it.
 */
export class StoreMisconfiguredError extends RendezvousError {
  constructor(node: string, setting: string, value: string, fix: string) {
    super(ERROR_CODES.STORE_MISCONFIGURED, `Redis at ${node} has ${setting} ${value}, which loses signals, ACKs and the election's state without a word; ${fix}`, { node, setting, value });
  }
}

/**
 * With replicated writes on, Redis applied a send or an ACK on the master but fewer replicas than
 * required confirmed it in time (or the connection changed before they could): a failover may
 * still lose it. Retry: a send with an idempotencyKey, and an ACK, are never applied twice.
 */
export class ReplicationShortfallError extends RendezvousError {
  constructor(operation: string, confirmed: number, required: number, timeoutMs: number, cause?: unknown) {
    const why = cause === undefined ? `${confirmed} of ${required} replicas confirmed it within ${timeoutMs} ms` : `its confirmation failed (${detailOf(cause)})`;
    super(
      ERROR_CODES.REPLICATION_SHORTFALL,
      `Store operation ${operation} was applied on the Redis master, but ${why}: a failover may lose it. Retry it (with an idempotencyKey a send is not delivered twice); if this goes on, check the replicas (INFO replication).`,
      { operation, confirmed, required, timeoutMs },
      cause === undefined ? undefined : { cause: redactError(cause) },
    );
  }
}

/**
 * The store's circuit breaker is open (the store stopped answering): the operation was not sent,
 * so nothing was written. `retryAfterMs` is the time to the next probe of the store (0 while one
 * is under way); the breaker closes by itself once a probe is answered.
 */
export class StoreCircuitOpenError extends RendezvousError {
  constructor(operation: string, openSince: number, retryAfterMs: number) {
    const probe =
      retryAfterMs > 0
        ? `the next probe of the store is in ${retryAfterMs} ms (at ${new Date(Date.now() + retryAfterMs).toISOString()})`
        : 'a probe of the store is under way';
    super(
      ERROR_CODES.CIRCUIT_OPEN,
      `Store operation ${operation} was not attempted and nothing was written: the store's circuit breaker is open since ` +
        `${new Date(openSince).toISOString()} (the store stopped answering); ${probe}. Retry after it; see the runbook's "Circuit breaker".`,
      { operation, retryAfterMs },
    );
  }
}

/** A sender sent its most signals to one receiver in this second (maxSendsPerSecond): nothing was appended. */
export class RateLimitedError extends RendezvousError {
  constructor(senderId: string, receiverId: string, limit: number, retryAfterMs: number) {
    super(
      ERROR_CODES.RATE_LIMITED,
      `${senderId} sent its most signals to ${receiverId} this second (maxSendsPerSecond ${limit}); nothing was sent. Retry in ${retryAfterMs} ms, or raise maxSendsPerSecond if this rate is meant.`,
      { senderId, receiverId, limit, retryAfterMs },
    );
  }
}

/** A receiver's inbox holds its most entries (maxInboxLength): nothing was appended. */
export class InboxFullError extends RendezvousError {
  constructor(receiverId: string, length: number, limit: number) {
    super(
      ERROR_CODES.INBOX_FULL,
      `The inbox of ${receiverId} holds ${length} signals, its most (maxInboxLength ${limit}); nothing was sent. It is not reading them (not running, or stuck): check it, then retry.`,
      { receiverId, length, limit },
    );
  }
}

/** A consensus round's id and iteration were used by another product owner in this swarm: its requests are not this owner's to resume. */
export class RoundTakenError extends RendezvousError {
  constructor(roundId: string, iteration: number, validatorId: string, ownerId: string) {
    super(
      ERROR_CODES.ROUND_TAKEN,
      `Round ${roundId} iteration ${iteration} was started by ${ownerId}: ${validatorId} holds its request, not this owner's. Round ids name a round in a swarm: choose one no other owner uses (a task id, a pull request number).`,
      { roundId, iteration, validatorId, ownerId },
    );
  }
}

/** A request to the daemon's HTTP API was malformed: not JSON, too large, or a field out of its rule. */
export class InvalidRequestError extends RendezvousError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(ERROR_CODES.INVALID_REQUEST, `Invalid request: ${message}`, context);
  }
}

/** A daemon API route was called without a valid bearer token (or the daemon has none configured). */
export class UnauthorizedError extends RendezvousError {
  constructor(configured: boolean) {
    super(
      ERROR_CODES.UNAUTHORIZED,
      configured
        ? 'Missing or wrong API token: send `Authorization: Bearer <token>` (RENDEZVOUS_API_TOKEN or RENDEZVOUS_API_READ_TOKEN of the daemon).'
        : 'The daemon has no API token configured, so /api is closed: set RENDEZVOUS_API_TOKEN (and optionally RENDEZVOUS_API_READ_TOKEN) and restart it.',
      { configured },
    );
  }
}

/** A route that changes state was called with a read-only API token, or on a daemon whose mutations are disabled. */
export class ForbiddenError extends RendezvousError {
  constructor(route: string, reason = 'this token is read-only; it needs the read-write token (RENDEZVOUS_API_TOKEN)') {
    super(ERROR_CODES.FORBIDDEN, `${route} changes state: ${reason}.`, { route });
  }
}

/** What a daemon API route names does not exist (a coordinator, a route). */
export class NotFoundError extends RendezvousError {
  constructor(what: string, context: Record<string, unknown> = {}) {
    super(ERROR_CODES.NOT_FOUND, `${what} was not found.`, context);
  }
}

/** The daemon failed on a request for a reason that is not the caller's: its log has the details, the answer does not. */
export class InternalError extends RendezvousError {
  constructor() {
    super(ERROR_CODES.INTERNAL, 'Internal error; see the daemon log.');
  }
}
