/**
 * What an agent process adds for its CLI callers around its one BlockingCoordinator: the signature
 * rejections a wait reports instead of a bare timeout. The signals received and not yet
 * acknowledged (what `ack MESSAGE_ID` needs) are the coordinator's, held within its inbox's
 * limits, and a signal whose caller vanished before printing it goes back to the coordinator
 * (`release`), which hands it to the next matching wait.
 */
import type { BlockingCoordinator } from '../../core/coordinator.js';
import type { Ack } from '../../protocol/ack.js';
import { NotFoundError, RendezvousError, ERROR_CODES, SignalTimeoutError } from '../../protocol/errors.js';
import type { Signal } from '../../protocol/signal.js';
import type { AckRequest, SendRequest, WaitAcksRequest, WaitRequest } from './wire.js';

/** Reasons that mean "signed with another secret, or forged". */
const SIGNATURE_REASONS = new Set(['unsigned', 'signature_length', 'bad_signature']);

export class AgentSession {
  readonly #coordinator: BlockingCoordinator;
  /** Signals rejected for their signature that no timed-out wait has reported yet. */
  #signalRejections = 0;
  /** messageId → ACKs of it rejected for their signature (the latest 1,000 messages). */
  readonly #ackRejections = new Map<string, number>();

  constructor(coordinator: BlockingCoordinator) {
    this.#coordinator = coordinator;
    coordinator.on('message:rejected', (event) => {
      if (!SIGNATURE_REASONS.has(event.reason)) return;
      if (event.kind === 'signal') this.#signalRejections += 1;
      else if (event.messageId !== undefined) {
        this.#ackRejections.set(event.messageId, (this.#ackRejections.get(event.messageId) ?? 0) + 1);
        if (this.#ackRejections.size > 1_000) this.#ackRejections.delete(this.#ackRejections.keys().next().value!);
      }
    });
  }

  /** The oldest matching signal (one given back first: the coordinator keeps stream order). */
  async wait(request: WaitRequest, abort: AbortSignal): Promise<Signal> {
    try {
      return await this.#coordinator.blockUntilSignal({ types: request.types, from: request.from, iteration: request.iteration, timeoutMs: request.timeoutMs, signal: abort });
    } catch (error) {
      // Rejections since the last report, before or during this wait: the sender may be waiting on a signal this agent threw away.
      const rejected = this.#signalRejections;
      if (error instanceof SignalTimeoutError && rejected > 0) {
        this.#signalRejections = 0;
        throw new RendezvousError(ERROR_CODES.INVALID_SIGNAL, `no signal within the timeout, and ${rejected} signal(s) arrived that did not verify (bad signature): is the sender's BLOCKING_COORDINATION_SECRET this agent's?`, { rejected });
      }
      throw error;
    }
  }

  /** A signal handed to a caller that disconnected before printing it: a wait in progress that matches gets it, else the next one. */
  giveBack(signal: Signal): void {
    this.#coordinator.release(signal);
  }

  async ack(request: AckRequest): Promise<Ack> {
    const signal = this.#coordinator.unacknowledgedSignal(request.messageId);
    if (!signal) {
      // NotFoundError appends "was not found."
      throw new NotFoundError(`An unacknowledged signal ${request.messageId} received by agent ${this.#coordinator.id} (wait for it first; one acknowledged already is done)`, { messageId: request.messageId });
    }
    const options: { status?: string; result?: unknown } = {};
    if (request.status !== undefined) options.status = request.status;
    if (request.hasResult) options.result = request.result;
    return this.#coordinator.acknowledge(signal, options);
  }

  send(request: SendRequest): Promise<{ messageId: string; isDuplicate: boolean }> {
    const options: { iteration?: number; payload?: unknown; idempotencyKey?: string; swarmId?: string } = {};
    if (request.iteration !== undefined) options.iteration = request.iteration;
    if (request.hasPayload) options.payload = request.payload;
    if (request.idempotencyKey !== undefined) options.idempotencyKey = request.idempotencyKey;
    if (request.swarmId !== undefined) options.swarmId = request.swarmId;
    return this.#coordinator.sendSignal(request.to, request.type, options);
  }

  /** The ACKs, in the order of `from`; a timeout with some missing throws with the ones that came. */
  async waitForAcks(request: WaitAcksRequest): Promise<Ack[]> {
    const options: { timeoutMs?: number; swarmId?: string } = {};
    if (request.timeoutMs !== undefined) options.timeoutMs = request.timeoutMs;
    if (request.swarmId !== undefined) options.swarmId = request.swarmId;
    const acks = await this.#coordinator.waitForAcks(request.from, request.messageId, options);
    const present = request.from.flatMap((id) => acks.get(id) ?? []);
    const missing = request.from.filter((id) => !acks.has(id));
    if (missing.length === 0) return present;
    const rejected = this.#ackRejections.get(request.messageId) ?? 0;
    const error = rejected > 0
      ? new RendezvousError(ERROR_CODES.INVALID_SIGNAL, `no ACK from ${missing.join(', ')} within the timeout, and ${rejected} ACK(s) arrived that did not verify: is their BLOCKING_COORDINATION_SECRET this agent's?`, { missing })
      : new RendezvousError(ERROR_CODES.TIMEOUT, `no ACK from ${missing.join(', ')} within the timeout`, { missing });
    throw Object.assign(error, { partial: present });
  }
}
