/**
 * The CLI's exit codes, one meaning each across every command (docs/cli.md#exit-codes).
 * `rendezvous doctor` alone reads 0/1/2 as pass/warn/fail.
 */
export const EXIT = {
  /** Done; for `serve`, stopped by SIGTERM or SIGINT after a clean shutdown. */
  OK: 0,
  /** A runtime failure not listed below. */
  FAILURE: 1,
  /** Usage or configuration: an unknown flag, a bad value, a missing or short secret or token. */
  CONFIG: 2,
  /** What was asked for does not exist: an unknown coordinator, message or namespace. */
  NOT_FOUND: 3,
  /** The store did not answer (unreachable, circuit open): retry later. */
  UNAVAILABLE: 4,
  /** A signature or record that does not verify: another secret, or a forgery. */
  REJECTED: 5,
  /** Refused by a rule: rate limit, full inbox, not the leader. */
  REFUSED: 6,
  /** A wait timed out, as timeout(1) exits. */
  TIMEOUT: 124,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
