import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { SECRET } from './coordinators.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/election-worker.ts', import.meta.url));

/** A fixture process (test/fixtures/election-worker.ts unless told another) and the JSON lines it printed. */
export class WorkerProcess {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[] = [];
  readonly exited: Promise<unknown>;
  workerId = '';
  readonly #waiters: { predicate: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }[] = [];

  constructor(env: Record<string, string>, fixture: { path: string; args: readonly string[] } = { path: FIXTURE, args: [] }) {
    this.child = spawn(process.execPath, ['--import', 'tsx', fixture.path, ...fixture.args], {
      env: { ...process.env, RENDEZVOUS_LOG_LEVEL: 'error', SECRET, ...env },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.exited = once(this.child, 'exit');
    let buffer = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
        const line = JSON.parse(buffer.slice(0, at)) as Record<string, unknown>;
        buffer = buffer.slice(at + 1);
        this.lines.push(line);
        for (const waiter of [...this.#waiters]) {
          if (!waiter.predicate(line)) continue;
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    });
  }

  /** Resolves with the first line (already printed or to come) that matches; fails after `limitMs`. */
  next(predicate: (line: Record<string, unknown>) => boolean, from = this.lines.length, limitMs = 15_000): Promise<Record<string, unknown>> {
    const seen = this.lines.slice(from).find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { predicate, resolve: (line: Record<string, unknown>) => (clearTimeout(timer), resolve(line)) };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`worker ${this.workerId || this.child.pid} printed no matching line within ${limitMs} ms`));
      }, limitMs);
      this.#waiters.push(waiter);
    });
  }

  async ready(): Promise<void> {
    this.workerId = String((await this.next((l) => l.type === 'ready', 0)).workerId);
  }

  send(command: string): void {
    this.child.stdin!.write(`${command}\n`);
  }
}
