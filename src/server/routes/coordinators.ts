import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../protocol/errors.js';
import type { DaemonContext } from '../context.js';
import { describePending } from '../read-model/pending-signals.js';
import { readSwarm } from '../read-model/swarm-reader.js';
import { coordinatorParams, detailQuery, emptyBody, swarmQuery } from '../schemas.js';
import { validate } from '../validate.js';

/** Signals shown per coordinator in its detail (the oldest first). */
const PENDING_SHOWN = 100;

/** The read model of coordinators, and the escalation of one. */
export function coordinatorRoutes(ctx: DaemonContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const options = { deadThresholdMs: ctx.deadThresholdMs };

    app.get('/api/coordinators', async (request) => {
      const { swarm } = validate(swarmQuery, request.query, 'query');
      const generatedAt = await ctx.store.time();
      const swarmIds = swarm === undefined ? (await ctx.store.listSwarms()).sort() : [swarm];
      const swarms = [];
      for (const swarmId of swarmIds) swarms.push(await readSwarm(ctx.store, swarmId, generatedAt, options));
      return { generatedAt, swarms };
    });

    app.get('/api/coordinators/:swarm/:id', async (request) => {
      const { swarm, id } = validate(coordinatorParams, request.params, 'params');
      const { payloads } = validate(detailQuery, request.query, 'query');
      const now = await ctx.store.time();
      const view = (await readSwarm(ctx.store, swarm, now, options)).coordinators.find((c) => c.id === id);
      if (!view) throw new NotFoundError(`Coordinator ${id} of swarm ${swarm}`, { swarmId: swarm, coordinatorId: id });
      const owner = { swarmId: swarm, coordinatorId: id };
      const entries = await ctx.store.peekInbox(owner, '0-0', PENDING_SHOWN);
      const pending = describePending(owner, entries, { keyring: ctx.keyring(), replayWindowMs: ctx.replayWindowMs, replaces: view.replaces }, payloads === 'true');
      return { coordinator: view, pending };
    });

    app.post('/api/coordinators/:swarm/:id/escalate', { config: { mutating: true } }, async (request) => {
      const { swarm, id } = validate(coordinatorParams, request.params, 'params');
      validate(emptyBody, request.body, 'body');
      const { replacementId, outcome } = await ctx.supervisor.escalate(id, swarm);
      return { coordinatorId: id, replacementId, outcome };
    });
  };
}
