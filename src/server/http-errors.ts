import { ERROR_CODES, InternalError, isRetryable, NotLeaderError, RendezvousError, type ErrorCode } from '../protocol/errors.js';
import { redactText } from '../protocol/redact.js';

/** The JSON every error answer carries. */
export interface ErrorBody {
  error: { code: string; message: string; retryable: boolean; leaderId?: string | null };
}

/** HTTP status per code; codes not listed are a 500. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  [ERROR_CODES.INVALID_REQUEST]: 400,
  [ERROR_CODES.INVALID_ID]: 400,
  [ERROR_CODES.INVALID_PAYLOAD]: 400,
  [ERROR_CODES.INVALID_SIGNAL]: 400,
  [ERROR_CODES.UNAUTHORIZED]: 401,
  [ERROR_CODES.FORBIDDEN]: 403,
  [ERROR_CODES.NOT_FOUND]: 404,
  [ERROR_CODES.NOT_LEADER]: 409,
  [ERROR_CODES.INBOX_FULL]: 409,
  [ERROR_CODES.RATE_LIMITED]: 429,
  [ERROR_CODES.STORE_UNAVAILABLE]: 503,
  [ERROR_CODES.CIRCUIT_OPEN]: 503,
  [ERROR_CODES.STORE_CLOSED]: 503,
  [ERROR_CODES.REPLICATION_SHORTFALL]: 503,
  [ERROR_CODES.TIMEOUT]: 504,
  [ERROR_CODES.STORE_COMMAND]: 500,
};

/**
 * The status and body for any error a route throws. A RendezvousError keeps its code and message
 * (credentials redacted); anything else is an internal error whose message is not shown.
 */
export function errorReply(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof RendezvousError) {
    const status = STATUS[error.code] ?? 500;
    const body: ErrorBody = { error: { code: error.code, message: redactText(error.message), retryable: isRetryable(error.code) } };
    if (error instanceof NotLeaderError) body.error.leaderId = error.leaderId;
    return { status, body };
  }
  const internal = new InternalError();
  return { status: 500, body: { error: { code: internal.code, message: internal.message, retryable: false } } };
}
