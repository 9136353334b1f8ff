import { spawn, type ChildProcess } from 'node:child_process';
import { TS_CHILD_ARGS } from './build/child-args.js';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/election-worker.ts', import.meta.url));
const READY_TIMEOUT_MS = 20_000;

/** A bench/fixtures/election-worker.ts process: node itself (no tsx wrapper), so its pid is the worker's. */
export class ElectionWorker {
  readonly child: ChildProcess;
  readonly exited: Promise<unknown>;
  workerId = '';

  private constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [...TS_CHILD_ARGS, FIXTURE], {
      cwd: ROOT,
      env: { ...process.env, RENDEZVOUS_LOG_LEVEL: 'error', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.exited = once(this.child, 'exit');
  }

  /** Spawns a worker and resolves once it has joined the election. */
  static async start(env: Record<string, string>): Promise<ElectionWorker> {
    const worker = new ElectionWorker(env);
    const stdout = worker.child.stdout!.setEncoding('utf8');
    let buffer = '';
    const ready = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`election worker not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      stdout.on('data', (chunk: string) => {
        buffer += chunk;
        const line = /^(\{.*"type":"ready".*\})$/m.exec(buffer)?.[1];
        if (line === undefined) return;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { workerId: string }).workerId);
      });
      void worker.exited.then(() => (clearTimeout(timer), reject(new Error('election worker exited before it was ready'))));
    });
    try {
      worker.workerId = await ready;
    } catch (error) {
      await worker.stop('SIGKILL');
      throw error;
    }
    return worker;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` (SIGTERM: a graceful stop) and waits for the exit, SIGKILL after 5 s. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}
