/**
 * The agent socket's protocol: one JSON request line from the CLI call, one JSON answer line from
 * the agent. After a `wait` answer the caller sends `{"op":"taken"}` once it has printed the signal:
 * a caller that disconnects before that never got it, and the agent gives the signal to the next wait.
 */
export const WIRE_VERSION = 1;

export interface WaitRequest {
  op: 'wait';
  types?: string[];
  from?: string[];
  iteration?: number;
  timeoutMs?: number;
}

export interface AckRequest {
  op: 'ack';
  messageId: string;
  status?: string;
  result?: unknown;
  /** Whether a result was given: `null` is a result. */
  hasResult?: boolean;
}

export interface SendRequest {
  op: 'send';
  to: string;
  type: string;
  payload?: unknown;
  hasPayload?: boolean;
  iteration?: number;
  idempotencyKey?: string;
  swarmId?: string;
}

export interface WaitAcksRequest {
  op: 'wait-acks';
  messageId: string;
  from: string[];
  timeoutMs?: number;
  swarmId?: string;
}

export interface PingRequest {
  op: 'ping';
}

export type AgentRequest = (WaitRequest | AckRequest | SendRequest | WaitAcksRequest | PingRequest) & {
  v: typeof WIRE_VERSION;
  /** The id the caller means: an agent serving another id refuses (a socket path shared by mistake). */
  id: string;
};

export interface WireError {
  code: string;
  message: string;
  /** For a wait-acks that timed out: the ACKs that came. */
  partial?: unknown;
}

export type AgentAnswer = { ok: true; value: unknown } | { ok: false; error: WireError };

export const TAKEN = `${JSON.stringify({ op: 'taken' })}\n`;

/** Largest request or answer line accepted (a signal or ACK is at most 1 MiB of JSON by default). */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;
