/**
 * A CLI call's side of the agent socket: connect, send one request, read one answer. Loads nothing
 * of the library but its errors, so a call starts fast (agents call these in loops).
 */
import net from 'node:net';
import { RendezvousError, ERROR_CODES, type ErrorCode } from '../../protocol/errors.js';
import { onLines } from './lines.js';
import { TAKEN, WIRE_VERSION, type AgentAnswer, type AgentRequest } from './wire.js';

type Request = AgentRequest extends infer R ? (R extends AgentRequest ? Omit<R, 'v' | 'id'> : never) : never;

export interface AgentCall {
  value: unknown;
  /** For a wait: tell the agent the signal was printed (else it gives it to the next wait). */
  confirm(): Promise<void>;
}

/** An error the agent answered with, with the code it had there; `partial` for a wait-acks that timed out. */
export class AgentError extends RendezvousError {
  readonly partial: unknown;
  constructor(code: string, message: string, partial: unknown) {
    super(code as ErrorCode, message);
    this.partial = partial;
  }
}

export function callAgent(id: string, socketPath: string, request: Request): Promise<AgentCall> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let answered = false;
    socket.once('connect', () => socket.write(`${JSON.stringify({ v: WIRE_VERSION, id, ...request })}\n`));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return;
      answered = true;
      reject(
        error.code === 'ENOENT' || error.code === 'ECONNREFUSED'
          ? new RendezvousError(ERROR_CODES.NOT_FOUND, `no agent ${id} is running (nothing answers on ${socketPath}): start it with \`rendezvous agent run --id ${id} --swarm <swarm>\``, { socket: socketPath })
          : new RendezvousError(ERROR_CODES.INTERNAL, `cannot reach agent ${id} on ${socketPath}: ${error.message}`),
      );
    });
    socket.on('close', () => {
      if (answered) return;
      answered = true;
      reject(new RendezvousError(ERROR_CODES.STOPPED, `agent ${id} closed the connection without answering: it stopped or was killed`));
    });
    onLines(
      socket,
      (line) => {
        if (answered) return;
        answered = true;
        let answer: AgentAnswer;
        try {
          answer = JSON.parse(line) as AgentAnswer;
        } catch {
          socket.destroy();
          reject(new RendezvousError(ERROR_CODES.INTERNAL, `agent ${id} answered something that is not JSON: is ${socketPath} an agent's socket?`));
          return;
        }
        if (!answer.ok) {
          socket.end();
          reject(new AgentError(answer.error.code, answer.error.message, answer.error.partial));
          return;
        }
        resolve({
          value: answer.value,
          confirm: () => new Promise<void>((done) => socket.end(TAKEN, () => done())),
        });
        if (request.op !== 'wait') socket.end();
      },
      () => socket.destroy(new Error('answer too long')),
    );
  });
}
