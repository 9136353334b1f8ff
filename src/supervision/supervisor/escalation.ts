import { randomBytes } from 'node:crypto';
import { NotLeaderError } from '../../protocol/errors.js';
import { assertId, isValidId } from '../../protocol/ids.js';
import { keys } from '../../protocol/keys.js';
import type { InboxRef, PendingSpawn } from '../../store/port.js';
import type { SpawnRequest, Spawner } from '../spawner.js';
import { fenceOf, type SupervisorContext } from './context.js';
import type { DeadCleanup } from './dead-cleanup.js';
import { recordedIn, recordKeys } from './liveness.js';

/** What an escalation call did: the replacement's id, and whether this call created the escalation. */
export interface EscalationOutcome {
  replacementId: string;
  created: boolean;
}

/**
 * Escalation of a dead coordinator: one atomic, idempotent store step, fenced by the supervisors'
 * term, records the escalation and the spawn request and moves the dead coordinator's work and
 * unacknowledged signals to its replacement; then the spawner starts the replacement (within the
 * spawn cap) and the request is marked carried out. A request an earlier leader left (killed before
 * spawning), or one the cap held back, is carried out by a later check.
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

  /** Escalates `dead` in term `epoch`: its replacement's id (the same on every call) and whether this call created it. */
  async escalate(dead: InboxRef, epoch: number): Promise<EscalationOutcome> {
    const { store, config, emit, hooks, rejections } = this.#ctx;
    const { coordinatorId, swarmId } = dead;
    try {
      const ttls = { recordTtlMs: config.escalationRecordTtlMs, workTtlMs: config.workTtlMs, inboxTtlMs: config.inboxTtlMs };
      const result = await store.escalate(dead, replacementIdFor(coordinatorId), fenceOf(this.#ctx, epoch), ttls);
      if (result.outcome === 'fenced') throw new NotLeaderError(config.namespace, 'escalation (a newer supervisor term exists)');
      const replacementId = result.replacementId;
      // An existing record is read back from the store: anyone may have written the id it names.
      if (!isValidId(replacementId)) rejections.record('escalationRecords', replacementId);
      assertId(replacementId, 'coordinator id');
      if (result.outcome === 'created') {
        this.#escalations += 1;
        await this.#spawn({ replacementId, replaces: coordinatorId, swarmId }, epoch);
        void hooks.run('on_escalation', { AGENT_ID: coordinatorId, NEW_AGENT_ID: replacementId, SWARM_ID: swarmId, WORK_ITEMS: result.workItemsMoved });
        emit('coordinator:escalated', { coordinatorId, replacementId, swarmId, workItemsMoved: result.workItemsMoved, signalsMoved: result.signalsMoved });
        if (config.autoCleanup) await this.#cleanup.run(coordinatorId, swarmId);
      }
      return { replacementId, created: result.outcome === 'created' };
    } catch (error) {
      emit('escalation:failed', { coordinatorId, swarmId, error });
      throw error;
    }
  }

  /**
   * Carries out the swarm's spawn requests an earlier leader recorded (or the spawn cap held back)
   * and nobody started, within the spawn cap. Requests younger than two checks may still be in the
   * hands of the escalation that made them. A request is read back from the store, so it is started
   * only if it is one an escalation could have made: ids by the id rule, the escalation record of
   * the coordinator it replaces names it, and that coordinator shows no fresh record of its own.
   */
  async resumeSpawns(swarmId: string, now: number, epoch: number): Promise<void> {
    const { store, config, emit, logger, caps } = this.#ctx;
    const due = (await store.pendingSpawns(swarmId)).filter((pending) => pending.requestedAt <= now - 2 * config.checkIntervalMs);
    const requests = await this.#consistent(swarmId, due, now);
    for (const [i, pending] of requests.entries()) {
      if (!caps.spawns.available()) {
        caps.spawns.countCapped(requests.length - i); // still pending: a later check starts them
        return;
      }
      const request: SpawnRequest = { replacementId: pending.replacementId, replaces: pending.replaces, swarmId };
      await this.#spawn(request, epoch).catch((error: unknown) => emit('escalation:failed', { coordinatorId: pending.replaces, swarmId, error }));
      logger.info(request, 'resumed a spawn request an earlier check left');
    }
  }

  /** The requests among `pending` that an escalation could have made (see resumeSpawns); the others are rejected. */
  async #consistent(swarmId: string, pending: readonly PendingSpawn[], now: number): Promise<PendingSpawn[]> {
    const { store, config, rejections } = this.#ctx;
    const wellFormed = pending.filter((request) => {
      const valid = isValidId(request.replacementId) && isValidId(request.replaces);
      if (!valid) rejections.record('spawnRequests', isValidId(request.replacementId) ? request.replaces : request.replacementId);
      return valid;
    });
    if (wellFormed.length === 0) return [];
    const bodies = await store.readStrings(wellFormed.flatMap(({ replaces }) => [keys.escalation(swarmId, replaces), ...recordKeys({ swarmId, coordinatorId: replaces })]));
    return wellFormed.filter(({ replacementId, replaces }, i) => {
      const named = replacementNamedBy(bodies[3 * i] ?? null) === replacementId;
      const alive = now - recordedIn(replaces, bodies[3 * i + 1] ?? null, bodies[3 * i + 2] ?? null) <= config.deadThresholdMs;
      if (!named || alive) rejections.record('spawnRequests', replacementId);
      return named && !alive;
    });
  }

  /** Starts a replacement within the spawn cap and marks its request carried out (fenced: a newer term's request stays for it). */
  async #spawn(request: SpawnRequest, epoch: number): Promise<void> {
    if (!this.#ctx.caps.spawns.take()) return; // the request stays pending: a later check's resumeSpawns starts it
    await this.#spawner.spawn(request);
    this.#ctx.emit('replacement:spawned', { coordinatorId: request.replaces, replacementId: request.replacementId, swarmId: request.swarmId });
    await this.#ctx.store.markSpawned(request.swarmId, request.replacementId, fenceOf(this.#ctx, epoch));
  }
}

/** A new id for the replacement of `deadId`: `<dead>-r<6 hex>`, within the id rule's 64 characters. */
function replacementIdFor(deadId: string): string {
  return `${deadId.slice(0, 55)}-r${randomBytes(3).toString('hex')}`;
}

/** The replacement an escalation record names, if it is one. */
function replacementNamedBy(record: string | null): unknown {
  if (record === null) return undefined;
  try {
    return (JSON.parse(record) as { newCoordinatorId?: unknown } | null)?.newCoordinatorId;
  } catch {
    return undefined;
  }
}
