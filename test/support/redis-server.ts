/**
 * Test helpers that start PRIVATE redis-server processes on free loopback ports.
 *
 * Every server gets its own port, its own fresh temp directory and no
 * persistence. Tests never talk to a shared or preexisting Redis.
 *
 *   const server = await startRedis();
 *   // ... new Redis(server.port, server.host) ...
 *   await server.stop();
 *
 *   const cluster = await startRedisCluster(3);
 *   // ... new Cluster(cluster.nodes) ...
 *   await cluster.stop();
 *
 * A process 'exit' handler (plus SIGINT/SIGTERM/SIGHUP handlers that re-raise
 * the signal) SIGKILLs any server still running, so a crashed test never
 * leaves redis-server behind. Server processes and their pipes are unref'd,
 * so a server that a test forgets to stop does not keep the process alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { ConnectionOptions } from 'node:tls';

const HOST = '127.0.0.1' as const;
const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const MAX_PORT_ATTEMPTS = 3;
const CLUSTER_READY_TIMEOUT_MS = 15_000;
const CLUSTER_SLOTS = 16384;
const OUTPUT_LIMIT = 64 * 1024;

export interface RedisServer {
  host: '127.0.0.1';
  port: number;
  /** `redis://127.0.0.1:<port>`, or `rediss://` for a TLS-only server. */
  url: string;
  process: ChildProcess;
  /** SIGTERM, wait for exit (SIGKILL after 3 s), remove the temp dir. Idempotent. */
  stop(): Promise<void>;
  /** Send a signal (default SIGKILL) without waiting, e.g. to simulate a crash. `stop()` still cleans up. */
  kill(signal?: NodeJS.Signals): void;
}

export interface RedisCluster {
  nodes: { host: string; port: number }[];
  servers: RedisServer[];
  /** Stops every node. Idempotent. */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Process-wide safety net
// ---------------------------------------------------------------------------

interface Live {
  child: ChildProcess;
  dir: string;
  stop: () => Promise<void>;
}

const live = new Set<Live>();
let safetyNetInstalled = false;

function killAllSync(): void {
  for (const entry of live) {
    if (isRunning(entry.child)) {
      try {
        entry.child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      rmSync(entry.dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
  live.clear();
}

function installSafetyNet(): void {
  if (safetyNetInstalled) return;
  safetyNetInstalled = true;
  process.on('exit', killAllSync);
  // The event loop drained while servers were still running (a test forgot
  // to stop them): stop them properly so they are reaped, not just killed.
  process.on('beforeExit', () => {
    if (live.size > 0) void Promise.all([...live].map((entry) => entry.stop()));
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      process.removeListener(signal, handler);
      const children = [...live].map((entry) => entry.child);
      killAllSync();
      // Give the killed servers a moment to be reaped, then preserve the
      // default behaviour (die by the signal) unless someone else handles it.
      void Promise.all(children.map((child) => waitForExit(child, 1_000))).then(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    };
    process.on(signal, handler);
  }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function findOnPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, binary);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

export function redisServerBinary(): string {
  const found = findOnPath('redis-server');
  if (!found) {
    throw new Error(
      'redis-server not found: run `npm test` (it installs it) or apt-get install -y redis-server',
    );
  }
  return found;
}

/** Binds 127.0.0.1:0, reads the assigned port, closes the listener. */
export async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`unexpected server address: ${String(address)}`));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/** Short-lived ioredis connection that never retries and never queues (over TLS with `tls`). */
function probeClient(port: number, connectTimeout = 1_000, tls?: ConnectionOptions): Redis {
  const client = new Redis({
    host: HOST,
    port,
    ...(tls ? { tls } : {}),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    connectTimeout,
    // ioredis arms a (ref'd) disconnectTimeout timer on disconnect() that is
    // never cleared if the socket had already failed; keep it short so failed
    // readiness probes don't hold the process open for 2 s.
    disconnectTimeout: 100,
  });
  client.on('error', () => {
    // failures surface through the awaited command instead
  });
  return client;
}

/**
 * Resolves true once the server on `port` answers PING *and* reports our
 * child's pid (guards against another process having grabbed the port).
 */
async function answersAsOurs(port: number, pid: number | undefined, tls?: ConnectionOptions): Promise<boolean> {
  const client = probeClient(port, 500, tls);
  try {
    await client.connect();
    const pong = await client.ping();
    if (pong !== 'PONG') return false;
    const info = await client.info('server');
    const match = /^process_id:(\d+)\s*$/m.exec(info);
    return match !== null && Number(match[1]) === pid;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function appendBounded(buffer: string, chunk: Buffer | string): string {
  const next = buffer + chunk.toString();
  return next.length > OUTPUT_LIMIT ? next.slice(-OUTPUT_LIMIT) : next;
}

class PortInUseError extends Error {}

interface AttemptContext {
  port: number;
  dir: string;
}

type ExtraArgs = (ctx: AttemptContext) => Promise<string[]> | string[];

async function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (!isRunning(child)) return true;
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      child.removeListener('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

async function attemptStart(
  binary: string,
  extraArgs: ExtraArgs,
  deadline: number,
  fixedPort?: number,
  tls?: ConnectionOptions,
): Promise<RedisServer> {
  const port = fixedPort ?? (await freePort());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rendezvous-redis-'));
  const args = [
    // TLS only: no plain port; extraArgs name the certificates.
    ...(tls ? ['--port', '0', '--tls-port', String(port)] : ['--port', String(port)]),
    '--bind', HOST,
    '--save', '',
    '--appendonly', 'no',
    '--dir', dir,
    '--daemonize', 'no',
    '--protected-mode', 'no',
    '--loglevel', 'warning',
    ...(await extraArgs({ port, dir })),
  ];

  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const entry: Live = { child, dir, stop: () => stop() };
  live.add(entry);
  // A server that a test forgets to stop must not keep the test process
  // alive: unref it (and its pipes) and let the 'exit' handler kill it.
  child.unref();
  (child.stdout as net.Socket | null)?.unref();
  (child.stderr as net.Socket | null)?.unref();

  let stdout = '';
  let stderr = '';
  let spawnError: Error | undefined;
  child.stdout?.on('data', (chunk: Buffer) => (stdout = appendBounded(stdout, chunk)));
  child.stderr?.on('data', (chunk: Buffer) => (stderr = appendBounded(stderr, chunk)));
  child.on('error', (err) => (spawnError = err));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (isRunning(child)) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, STOP_GRACE_MS))) {
          child.kill('SIGKILL');
          await waitForExit(child, STOP_GRACE_MS);
        }
      }
      // Let stdio pipes drain/close so no handles are left behind.
      await Promise.race([closed, sleep(1_000, undefined, { ref: false })]);
      child.stdout?.destroy();
      child.stderr?.destroy();
      live.delete(entry);
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const output = (): string =>
    [`args: redis-server ${args.map((a) => (a === '' ? '""' : a)).join(' ')}`,
      stderr.trim() && `stderr:\n${stderr.trim()}`,
      stdout.trim() && `stdout:\n${stdout.trim()}`]
      .filter(Boolean)
      .join('\n');

  try {
    while (true) {
      if (spawnError) throw new Error(`failed to spawn redis-server: ${spawnError.message}\n${output()}`);
      if (!isRunning(child)) {
        await Promise.race([closed, sleep(500, undefined, { ref: false })]);
        const text = stdout + stderr;
        if (/Address already in use|Failed listening on port/i.test(text)) {
          throw new PortInUseError(`port race on ${port}\n${output()}`);
        }
        throw new Error(
          `redis-server exited early (code ${child.exitCode}, signal ${child.signalCode})\n${output()}`,
        );
      }
      if (await answersAsOurs(port, child.pid, tls)) break;
      if (Date.now() >= deadline) {
        throw new Error(
          `redis-server on port ${port} did not answer PING within ${START_TIMEOUT_MS} ms\n${output()}`,
        );
      }
      await sleep(50);
    }
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    host: HOST,
    port,
    url: `${tls ? 'rediss' : 'redis'}://${HOST}:${port}`,
    process: child,
    stop,
    kill(signal: NodeJS.Signals = 'SIGKILL'): void {
      if (isRunning(child)) child.kill(signal);
    },
  };
}

async function startWith(extraArgs: ExtraArgs, fixedPort?: number, tls?: ConnectionOptions): Promise<RedisServer> {
  const binary = redisServerBinary();
  installSafetyNet();
  const deadline = Date.now() + START_TIMEOUT_MS;
  if (fixedPort !== undefined) return attemptStart(binary, extraArgs, deadline, fixedPort, tls); // a restart: that port or nothing
  let lastError: unknown;
  for (let attempt = 1; attempt <= MAX_PORT_ATTEMPTS; attempt++) {
    try {
      return await attemptStart(binary, extraArgs, deadline, undefined, tls);
    } catch (err) {
      lastError = err;
      if (!(err instanceof PortInUseError)) throw err;
    }
  }
  throw new Error(
    `could not start redis-server after ${MAX_PORT_ATTEMPTS} port attempts: ${
      lastError instanceof Error ? lastError.message : String(lastError)
    }`,
  );
}

/**
 * Starts a private redis-server on a free 127.0.0.1 port with persistence
 * disabled and a fresh temp dir. Resolves once it answers PING (bounded at 10 s). With `port`,
 * on that port (a restart of a server stopped before: its data is gone, as without persistence).
 * With `tls` (the client side: ca, cert, key), TLS only: the port is the `--tls-port`, there is
 * no plain one, `extraArgs` must name the server's certificate files, and the readiness probe
 * connects with `tls`.
 */
export async function startRedis(options: { extraArgs?: string[]; port?: number; tls?: ConnectionOptions } = {}): Promise<RedisServer> {
  const extra = options.extraArgs ?? [];
  return startWith(() => extra, options.port, options.tls);
}

// ---------------------------------------------------------------------------
// Cluster
// ---------------------------------------------------------------------------

function parseInfo(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const idx = line.indexOf(':');
    if (idx > 0) map.set(line.slice(0, idx), line.slice(idx + 1).trim());
  }
  return map;
}

type SlotsReply = [number, number, ...unknown[]][];

function coversAllSlots(reply: SlotsReply): boolean {
  const ranges = reply
    .map(([start, end]) => [Number(start), Number(end)] as const)
    .sort((a, b) => a[0] - b[0]);
  let next = 0;
  for (const [start, end] of ranges) {
    if (start !== next) return false;
    next = end + 1;
  }
  return next === CLUSTER_SLOTS;
}

/**
 * Starts `masters` private cluster-enabled redis-servers (no replicas),
 * assigns all 16384 slots in contiguous ranges, joins them with CLUSTER MEET
 * and waits (bounded at 15 s) until every node sees a healthy, fully covered
 * cluster.
 */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  if (!Number.isInteger(masters) || masters < 1) {
    throw new Error(`masters must be a positive integer, got ${masters}`);
  }

  const busPorts = new Map<number, number>();
  const settled = await Promise.allSettled(
    Array.from({ length: masters }, () =>
      startWith(async ({ port, dir }) => {
        let busPort = await freePort();
        while (busPort === port) busPort = await freePort();
        busPorts.set(port, busPort);
        return [
          '--cluster-enabled', 'yes',
          '--cluster-config-file', path.join(dir, 'nodes.conf'),
          '--cluster-node-timeout', '2000',
          '--cluster-port', String(busPort),
        ];
      }),
    ),
  );
  const servers = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= Promise.all(servers.map((s) => s.stop())).then(() => undefined);
    return stopping;
  };

  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }

  const clients = servers.map((s) => {
    const client = probeClient(s.port, 2_000);
    return client;
  });

  try {
    await Promise.all(clients.map((c) => c.connect()));

    // Distinct config epochs up front avoid epoch-collision churn after MEET.
    await Promise.all(
      clients.map((c, i) => c.call('CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1))),
    );

    await Promise.all(
      clients.map((c, i) => {
        const start = Math.floor((i * CLUSTER_SLOTS) / masters);
        const end = Math.floor(((i + 1) * CLUSTER_SLOTS) / masters) - 1;
        return c.call('CLUSTER', 'ADDSLOTSRANGE', String(start), String(end));
      }),
    );

    const [first] = clients;
    if (first === undefined) throw new Error('no cluster nodes started');
    for (const server of servers.slice(1)) {
      const busPort = busPorts.get(server.port);
      if (busPort === undefined) throw new Error(`no bus port recorded for ${server.port}`);
      await first.call('CLUSTER', 'MEET', HOST, String(server.port), String(busPort));
    }

    const deadline = Date.now() + CLUSTER_READY_TIMEOUT_MS;
    let lastState = '';
    while (true) {
      const states = await Promise.all(
        clients.map(async (c, i) => {
          const info = parseInfo(String(await c.call('CLUSTER', 'INFO')));
          const slots = (await c.call('CLUSTER', 'SLOTS')) as SlotsReply;
          const ok =
            info.get('cluster_state') === 'ok' &&
            info.get('cluster_known_nodes') === String(masters) &&
            info.get('cluster_slots_assigned') === String(CLUSTER_SLOTS) &&
            coversAllSlots(slots);
          return {
            ok,
            summary: `node ${servers[i]?.port}: state=${info.get('cluster_state')} known=${info.get(
              'cluster_known_nodes',
            )} assigned=${info.get('cluster_slots_assigned')} slotRanges=${slots.length}`,
          };
        }),
      );
      if (states.every((s) => s.ok)) break;
      lastState = states.map((s) => s.summary).join('; ');
      if (Date.now() >= deadline) {
        throw new Error(
          `redis cluster not ready within ${CLUSTER_READY_TIMEOUT_MS} ms: ${lastState}`,
        );
      }
      await sleep(100);
    }
  } catch (err) {
    clients.forEach((c) => c.disconnect());
    await stop();
    throw err;
  }

  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));

  return {
    nodes: servers.map((s) => ({ host: s.host, port: s.port })),
    servers,
    stop,
  };
}
