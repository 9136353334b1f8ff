/** The CLI's exit codes (docs/operations.md#exit-codes). */
export const EXIT = {
  /** Done; for `serve`, stopped by SIGTERM or SIGINT after a clean shutdown. */
  OK: 0,
  /** A runtime failure: the store unreachable at start, the port taken, a shutdown past its bound. */
  FAILURE: 1,
  /** Usage or configuration: an unknown flag, a bad value, a missing or short secret or token. */
  CONFIG: 2,
} as const;
