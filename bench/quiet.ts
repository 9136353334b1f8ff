/**
 * Imported first by run.ts: the library's logger reads RENDEZVOUS_LOG_LEVEL when the first
 * coordinator is built, so a benchmark stays quiet unless the caller asked for more.
 */
process.env.RENDEZVOUS_LOG_LEVEL ??= 'warn';
