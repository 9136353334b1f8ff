/**
 * The agent's socket server: serves each CLI call (one request line, one answer line) through the
 * session. A `wait` whose caller disconnects before confirming it printed the signal gives the
 * signal back; a caller that disconnects while waiting aborts its wait.
 */
import { chmodSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { RendezvousError, ERROR_CODES, InvalidConfigError } from '../../protocol/errors.js';
import { redactError } from '../../protocol/redact.js';
import type { Signal } from '../../protocol/signal.js';
import { onLines } from './lines.js';
import type { AgentSession } from './session.js';
import { ensureSocketDir } from './socket-path.js';
import { WIRE_VERSION, type AgentAnswer, type AgentRequest } from './wire.js';

export interface AgentServer {
  close(): Promise<void>;
}

/** Listens before the coordinator starts (so a second agent with this id fails before touching the inbox); requests wait for `started`. */
export async function listenAgent(id: string, socketPath: string, session: AgentSession, started: Promise<void>): Promise<AgentServer> {
  ensureSocketDir(socketPath);
  await claimSocket(id, socketPath);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(id, socket, session, started);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  // Only this user may talk to the agent: it signs with the secret on the caller's behalf.
  chmodSync(socketPath, 0o600);
  return {
    // Called once the coordinator stopped: every wait has had its answer, so open calls end now.
    close: async () => {
      server.close();
      try {
        unlinkSync(socketPath);
      } catch {
        // already gone
      }
      for (const socket of sockets) socket.end();
    },
  };
}

/** A socket file left by a killed agent is removed; one a live agent answers on is refused. */
async function claimSocket(id: string, socketPath: string): Promise<void> {
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => (probe.destroy(), resolve(true)));
    probe.once('error', () => resolve(false));
  });
  if (alive) throw new RendezvousError(ERROR_CODES.INVALID_CONFIG, `an agent already listens on ${socketPath}: one agent per id (${id}); stop it first or pass another --socket`);
  try {
    unlinkSync(socketPath);
  } catch {
    // none
  }
}

function serveConnection(id: string, socket: net.Socket, session: AgentSession, started: Promise<void>): void {
  const abort = new AbortController();
  let handed: Signal | undefined;
  let taken = false;
  let requested = false;
  socket.on('error', () => undefined);
  socket.on('close', () => {
    abort.abort();
    if (handed && !taken) session.giveBack(handed);
  });
  const answer = (value: AgentAnswer) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(value)}\n`);
  };
  onLines(
    socket,
    (line) => {
      if (requested) {
        // The only line after a request: the caller printed the signal.
        if (line.includes('"taken"')) taken = true;
        socket.end();
        return;
      }
      requested = true;
      void started.then(() => handle(id, line, session, abort.signal)).then(
        (value) => {
          if (value !== undefined && isSignal(value)) {
            if (socket.destroyed) return session.giveBack(value);
            handed = value;
          }
          answer({ ok: true, value });
          if (!handed) socket.end();
        },
        (error: unknown) => {
          answer({ ok: false, error: wireError(error) });
          socket.end();
        },
      );
    },
    () => socket.destroy(),
  );
}

function isSignal(value: unknown): value is Signal {
  return typeof value === 'object' && value !== null && 'signature' in value && 'entryId' in value;
}

async function handle(id: string, line: string, session: AgentSession, abort: AbortSignal): Promise<unknown> {
  let request: AgentRequest;
  try {
    request = JSON.parse(line) as AgentRequest;
  } catch {
    throw new RendezvousError(ERROR_CODES.INVALID_REQUEST, 'the agent got a request that is not JSON');
  }
  if (request.v !== WIRE_VERSION) throw new RendezvousError(ERROR_CODES.INVALID_REQUEST, `the agent speaks wire version ${WIRE_VERSION}, the caller ${String(request.v)}: use the same rendezvous version for both`);
  if (request.id !== id) throw new RendezvousError(ERROR_CODES.NOT_FOUND, `the agent at this socket is ${id}, not ${String(request.id)}: check --id, --socket and RENDEZVOUS_AGENT_SOCKET`);
  switch (request.op) {
    case 'ping':
      return { id, pid: process.pid };
    case 'wait':
      return session.wait(request, abort);
    case 'ack':
      return session.ack(request);
    case 'send':
      return session.send(request);
    case 'wait-acks':
      return session.waitForAcks(request);
    default:
      throw new InvalidConfigError(`unknown agent operation ${JSON.stringify((request as { op?: unknown }).op)}`);
  }
}

function wireError(error: unknown): { code: string; message: string; partial?: unknown } {
  const safe = redactError(error);
  const code = safe instanceof RendezvousError ? safe.code : ERROR_CODES.INTERNAL;
  const message = safe instanceof Error ? safe.message : String(safe);
  const partial = (error as { partial?: unknown } | null)?.partial;
  return partial === undefined ? { code, message } : { code, message, partial };
}
