import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface DaemonProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>`, from its first stdout line. */
  url: string;
  /** Everything it wrote to stderr so far (its log). */
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then its exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `rendezvous serve` (src/cli/main.ts through tsx) as a separate process; without a port flag it picks a free one. */
export function runCli(args: string[], env: Record<string, string | undefined>): { child: ChildProcess; stdout(): string; stderr(): string; exited: DaemonProcess['exited'] } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, RENDEZVOUS_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Starts a daemon and resolves once it prints where it listens (rejects if it exits first, with its stderr). */
export async function startDaemon(args: string[], env: Record<string, string | undefined>, withinMs = 30_000): Promise<DaemonProcess> {
  const run = runCli(['serve', '--port', '0', ...args], env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not start within ${withinMs} ms: ${run.stderr()}`)), withinMs);
    const look = () => {
      const match = /^listening on (http:\/\/\S+)\n/.exec(run.stdout());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    run.child.stdout!.on('data', look);
    void run.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited (${code ?? signal}) before listening: ${run.stderr()}`));
    });
  });
  return {
    child: run.child,
    url,
    stderr: run.stderr,
    exited: run.exited,
    stop: async () => {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGTERM');
      return run.exited;
    },
  };
}

export interface ApiAnswer {
  status: number;
  body: unknown;
  text: string;
}

/** One request to a daemon (a bearer token when given; a JSON body when `body` is not a string). */
export async function api(url: string, path: string, options: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${url}${path}`, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (the metrics text, the page)
  }
  return { status: response.status, body: parsed, text };
}

export interface FeedEvent {
  name: string;
  data: Record<string, unknown>;
}

/** A client of GET /api/events: collects events and waits for one that matches. */
export class EventFeed {
  readonly events: FeedEvent[] = [];
  readonly comments: string[] = [];
  readonly #abort = new AbortController();
  readonly #waiters = new Set<() => void>();
  /** Resolves with the response status once the stream's headers arrived. */
  readonly opened: Promise<number>;
  /** Settles when the server ends the stream. */
  readonly ended: Promise<void>;

  constructor(url: string, token: string) {
    let opened!: (status: number) => void;
    this.opened = new Promise((resolve) => (opened = resolve));
    this.ended = (async () => {
      const response = await fetch(`${url}/api/events?token=${encodeURIComponent(token)}`, { signal: this.#abort.signal });
      opened(response.status);
      if (!response.body) return;
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
          this.#block(buffer.slice(0, at));
          buffer = buffer.slice(at + 2);
        }
      }
    })().catch(() => undefined);
  }

  /** Resolves with the first event (seen before or after the call) that matches, or rejects after `withinMs`. */
  async waitFor(what: string, match: (event: FeedEvent) => boolean, withinMs = 20_000): Promise<FeedEvent> {
    const found = () => this.events.find(match);
    const now = found();
    if (now) return now;
    return new Promise((resolve, reject) => {
      const check = () => {
        const event = found();
        if (!event) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(event);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`${what}: no such event within ${withinMs} ms; saw ${this.events.map((e) => e.name).join(', ')}`));
      }, withinMs);
      this.#waiters.add(check);
    });
  }

  close(): void {
    this.#abort.abort();
  }

  #block(block: string): void {
    let name = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('event: ')) name = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (data === '') return;
    this.events.push({ name, data: JSON.parse(data) as Record<string, unknown> });
    for (const waiter of [...this.#waiters]) waiter();
  }
}
