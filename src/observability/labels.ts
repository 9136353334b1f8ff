import { ERROR_CODES } from '../protocol/errors.js';
import type { RejectionReason } from '../protocol/rejection.js';
import { SIGNAL_TYPES } from '../protocol/signal.js';

/**
 * Label values are bounded: whatever a component reports (a custom signal type, a reason a newer
 * version adds, an error of any kind) maps to a fixed set, `other` for the rest.
 */

const SIGNAL_TYPE_SET: ReadonlySet<string> = new Set(SIGNAL_TYPES);

/** A signal's type as a label: one of SIGNAL_TYPES, else `other` (custom types are unbounded). */
export function signalTypeLabel(type: unknown): string {
  return typeof type === 'string' && SIGNAL_TYPE_SET.has(type) ? type : 'other';
}

/** Every RejectionReason; the Record makes the compiler list a reason added to the type. */
const REJECTION_REASONS: Record<RejectionReason, true> = {
  malformed: true,
  unsigned: true,
  signature_length: true,
  bad_signature: true,
  wrong_receiver: true,
  message_id_mismatch: true,
  replay_window: true,
  replay_processed: true,
  duplicate_delivery: true,
};

export function rejectionReasonLabel(reason: unknown): string {
  return typeof reason === 'string' && Object.hasOwn(REJECTION_REASONS, reason) ? reason : 'other';
}

const ERROR_CODE_SET: ReadonlySet<string> = new Set(Object.values(ERROR_CODES));

/** An error's `RDV_ERR_*` code, or `other`. */
export function errorCodeLabel(error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && ERROR_CODE_SET.has(code) ? code : 'other';
}

/** Why a heartbeat failed: the store did not answer, the breaker was open, or anything else. */
export function heartbeatFailureLabel(error: unknown): 'unreachable' | 'circuit_open' | 'other' {
  const code = errorCodeLabel(error);
  if (code === ERROR_CODES.STORE_UNAVAILABLE) return 'unreachable';
  if (code === ERROR_CODES.CIRCUIT_OPEN) return 'circuit_open';
  return 'other';
}

/** A breaker state as a label value (Prometheus label values by convention use `_`). */
export function breakerStateLabel(state: unknown): 'closed' | 'open' | 'half_open' | undefined {
  if (state === 'closed' || state === 'open') return state;
  if (state === 'half-open') return 'half_open';
  return undefined;
}

/** A finite, non-negative number of seconds from ms, or undefined for anything else. */
export function secondsOf(ms: unknown): number | undefined {
  return typeof ms === 'number' && Number.isFinite(ms) ? Math.max(0, ms) / 1000 : undefined;
}

/** A count to add: a finite positive integer, else 0. */
export function countOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
