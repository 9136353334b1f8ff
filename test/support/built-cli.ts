/**
 * Runs the BUILT `rendezvous` binary (dist/cli/main.js, from `npm run build`) as its own process,
 * with only the environment given (and PATH, HOME): what an operator's shell or an agent runs.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runProcess, type ProcessRun } from './run-process.js';

export const BUILT_CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export type CliRun = ProcessRun;

export function runBuilt(args: readonly string[], env: Record<string, string | undefined> = {}, timeoutMs = 20_000): Promise<CliRun> {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run \`npm run build\` first`);
  return runProcess(process.execPath, [BUILT_CLI, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeoutMs });
}

export const show = (run: CliRun): string => `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
