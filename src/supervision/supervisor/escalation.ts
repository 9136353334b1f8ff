import { randomBytes } from 'node:crypto';
import { NotLeaderError } from '../../protocol/errors.js';
import type { InboxRef } from '../../store/port.js';
import type { SpawnRequest, Spawner } from '../spawner.js';
import { fenceOf, type SupervisorContext } from './context.js';
import type { DeadCleanup } from './dead-cleanup.js';

/**
 * Escalation of a dead coordinator: one atomic, idempotent store step, fenced by the supervisors'
 * term, records the escalation and the spawn request and moves the dead coordinator's work and
 * unacknowledged signals to its replacement; then the spawner starts the replacement and the
 * request is marked carried out. A request an earlier leader left (killed before spawning) is
 * carried out by the next leader's checks.
 */
export class Escalation {
  readonly #ctx: SupervisorContext;
  readonly #spawner: Spawner;
  readonly #cleanup: DeadCleanup;
  #escalations = 0;

  constructor(ctx: SupervisorContext, spawner: Spawner, cleanup: DeadCleanup) {
    this.#ctx = ctx;
    this.#spawner = spawner;
    this.#cleanup = cleanup;
  }

  /** Escalations this supervisor created. */
  get escalations(): number {
    return this.#escalations;
  }

  /** Escalates `dead` in term `epoch`; returns its replacement's id, the same on every call. */
  async escalate(dead: InboxRef, epoch: number): Promise<string> {
    const { store, config, emit, hooks } = this.#ctx;
    const { coordinatorId, swarmId } = dead;
    try {
      const ttls = { recordTtlMs: config.escalationRecordTtlMs, workTtlMs: config.workTtlMs, inboxTtlMs: config.inboxTtlMs };
      const result = await store.escalate(dead, replacementIdFor(coordinatorId), fenceOf(this.#ctx, epoch), ttls);
      if (result.outcome === 'fenced') throw new NotLeaderError(config.namespace, 'escalation (a newer supervisor term exists)');
      const replacementId = result.replacementId;
      if (result.outcome === 'created') {
        this.#escalations += 1;
        await this.#spawn({ replacementId, replaces: coordinatorId, swarmId }, epoch);
        void hooks.run('on_escalation', { AGENT_ID: coordinatorId, NEW_AGENT_ID: replacementId, SWARM_ID: swarmId, WORK_ITEMS: result.workItemsMoved });
        emit('coordinator:escalated', { coordinatorId, replacementId, swarmId, workItemsMoved: result.workItemsMoved, signalsMoved: result.signalsMoved });
        if (config.autoCleanup) await this.#cleanup.run(coordinatorId, swarmId);
      }
      return replacementId;
    } catch (error) {
      emit('escalation:failed', { coordinatorId, swarmId, error });
      throw error;
    }
  }

  /**
   * Carries out the swarm's spawn requests an earlier leader recorded but did not see through.
   * Requests younger than two checks may still be in the hands of the escalation that made them.
   */
  async resumeSpawns(swarmId: string, now: number, epoch: number): Promise<void> {
    const { store, config, emit, logger } = this.#ctx;
    for (const pending of await store.pendingSpawns(swarmId)) {
      if (pending.requestedAt > now - 2 * config.checkIntervalMs) continue;
      const request: SpawnRequest = { replacementId: pending.replacementId, replaces: pending.replaces, swarmId };
      await this.#spawn(request, epoch).catch((error: unknown) => emit('escalation:failed', { coordinatorId: pending.replaces, swarmId, error }));
      logger.info(request, 'resumed a spawn request an earlier supervisor left');
    }
  }

  /** Starts a replacement and marks its request carried out (fenced: a newer term's request stays for it). */
  async #spawn(request: SpawnRequest, epoch: number): Promise<void> {
    await this.#spawner.spawn(request);
    await this.#ctx.store.markSpawned(request.swarmId, request.replacementId, fenceOf(this.#ctx, epoch));
  }
}

/** A new id for the replacement of `deadId`: `<dead>-r<6 hex>`, within the id rule's 64 characters. */
function replacementIdFor(deadId: string): string {
  return `${deadId.slice(0, 55)}-r${randomBytes(3).toString('hex')}`;
}
