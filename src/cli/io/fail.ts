import { ERROR_CODES, isRetryable, RendezvousError } from '../../protocol/errors.js';
import { redactError } from '../../protocol/redact.js';
import { EXIT, type ExitCode } from '../exit-codes.js';

/** The exit code of an error a command ended with. */
export function exitCodeOf(error: unknown): ExitCode {
  if (!(error instanceof RendezvousError)) return EXIT.FAILURE;
  switch (error.code) {
    case ERROR_CODES.INVALID_ID:
    case ERROR_CODES.INVALID_CONFIG:
    case ERROR_CODES.INVALID_REQUEST:
    case ERROR_CODES.INVALID_PAYLOAD:
    case ERROR_CODES.SECRET_MISSING:
    case ERROR_CODES.SECRET_TOO_SHORT:
    case ERROR_CODES.STORE_MISCONFIGURED:
    case ERROR_CODES.UNAUTHORIZED:
    case ERROR_CODES.FORBIDDEN:
      return EXIT.CONFIG;
    case ERROR_CODES.NOT_FOUND:
      return EXIT.NOT_FOUND;
    case ERROR_CODES.STORE_UNAVAILABLE:
    case ERROR_CODES.CIRCUIT_OPEN:
    case ERROR_CODES.STORE_CLOSED:
    case ERROR_CODES.REPLICATION_SHORTFALL:
      return EXIT.UNAVAILABLE;
    case ERROR_CODES.INVALID_SIGNAL:
      return EXIT.REJECTED;
    case ERROR_CODES.RATE_LIMITED:
    case ERROR_CODES.INBOX_FULL:
    case ERROR_CODES.NOT_LEADER:
      return EXIT.REFUSED;
    case ERROR_CODES.TIMEOUT:
      return EXIT.TIMEOUT;
    default:
      return EXIT.FAILURE;
  }
}

/**
 * Reports the error a command ended with, as one line on stderr (`rendezvous <command>:
 * RDV_ERR_...: what happened`; with --json, one JSON object `{"error":{code,message,retryable}}`),
 * secrets redacted; returns the exit code.
 */
export function reportFailure(command: string, error: unknown, json: boolean): ExitCode {
  const safe = redactError(error);
  const code = safe instanceof RendezvousError ? safe.code : 'RDV_ERR_INTERNAL';
  const message = safe instanceof Error ? safe.message : String(safe);
  const exit = exitCodeOf(error);
  if (json) {
    process.stderr.write(`${JSON.stringify({ error: { code, message, retryable: isRetryable(code) } })}\n`);
  } else {
    process.stderr.write(`rendezvous ${command}: ${code}: ${message}\n`);
  }
  return exit;
}

/**
 * A command's action: runs it, sets the exit code it returns (0 when none), and reports what it
 * throws as reportFailure does. `json` is read from the command's options (its last-but-one argument).
 */
export function action<A extends unknown[]>(command: string, run: (...args: A) => Promise<ExitCode | void>): (...args: A) => Promise<void> {
  return async (...args) => {
    const options = args.at(-2) as { json?: boolean } | undefined;
    try {
      process.exitCode = (await run(...args)) ?? EXIT.OK;
    } catch (error) {
      process.exitCode = reportFailure(command, error, options?.json === true);
    }
  };
}
