/** One check of `rendezvous doctor`: what was found, and what to do when it is not a pass. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface Check {
  /** Stable name (docs/cli-operator.md#doctor). */
  name: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do; absent on a pass. */
  fix?: string;
}

export const pass = (name: string, detail: string): Check => ({ name, status: 'pass', detail });
export const warn = (name: string, detail: string, fix: string): Check => ({ name, status: 'warn', detail, fix });
export const fail = (name: string, detail: string, fix: string): Check => ({ name, status: 'fail', detail, fix });

/** A check that threw is a fail with the reason, not a crash of the whole doctor. */
export async function guarded(name: string, run: () => Promise<Check | Check[]>): Promise<Check[]> {
  try {
    const result = await run();
    return Array.isArray(result) ? result : [result];
  } catch (error) {
    return [fail(name, `could not check: ${error instanceof Error ? error.message : String(error)}`, 'see the message; `rendezvous doctor --json` shows every check')];
  }
}

/** 0 every check passed, 1 a warning, 2 a failure. */
export function doctorExit(checks: readonly Check[]): 0 | 1 | 2 {
  if (checks.some((c) => c.status === 'fail')) return 2;
  return checks.some((c) => c.status === 'warn') ? 1 : 0;
}
