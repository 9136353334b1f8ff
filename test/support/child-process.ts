import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('../fixtures/coordinator-process.ts', import.meta.url));

export interface CoordinatorProcess {
  child: ChildProcess;
  /** Resolves with the next JSON line the child prints. */
  nextLine(): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or signal) once the child is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts test/fixtures/coordinator-process.ts with the given environment. */
export function startCoordinatorProcess(env: Record<string, string>): CoordinatorProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, RENDEZVOUS_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  let buffer = '';
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      const next = waiting.shift();
      if (next) next(line);
      else lines.push(line);
    }
  });
  return {
    child,
    exited,
    nextLine: () =>
      new Promise((resolve, reject) => {
        const line = lines.shift();
        if (line !== undefined) return resolve(JSON.parse(line) as Record<string, unknown>);
        waiting.push((l) => resolve(JSON.parse(l) as Record<string, unknown>));
        void exited.then(({ code, signal }) => reject(new Error(`child exited (${code ?? signal}) before printing`)));
      }),
  };
}
