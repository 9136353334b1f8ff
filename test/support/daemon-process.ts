/**
 * `rendezvous serve` as a separate process (through tsx, from src), on --port 0: resolves once
 * its first stdout line says where it listens. A process 'exit' handler SIGKILLs any daemon a
 * crashed test left running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000; // tsx compiles the daemon on first start: slow on a busy 2-core machine
const STOP_GRACE_MS = 25_000;

export interface DaemonProcess {
  /** `http://127.0.0.1:PORT` */
  url: string;
  child: ChildProcess;
  /** SIGTERM, wait for the exit (SIGKILL after a grace period); resolves with the exit code. Idempotent. */
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startDaemonProcess(args: string[], env: Record<string, string>): Promise<DaemonProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0', ...args], {
    env: { ...process.env, RENDEZVOUS_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = once(child, 'exit').then(([code]) => {
    running.delete(child);
    return code as number | null;
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  let stopping: Promise<number | null> | undefined;
  const stop = (): Promise<number | null> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      const code = await exited;
      clearTimeout(timer);
      return code;
    })();
    return stopping;
  };

  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`rendezvous serve did not listen within ${START_TIMEOUT_MS} ms; stderr: ${stderr}`)), START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      void stop().then(() => reject(error));
    };
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /^listening on (http:\/\/\S+)\n/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => fail(new Error(`rendezvous serve exited (${code}) before listening; stderr: ${stderr}`)));
  });
  child.stdout!.resume(); // later output (none expected) must not fill the pipe
  return { url, child, stop };
}
