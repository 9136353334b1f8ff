import type { FastifyInstance } from 'fastify';
import type { DaemonContext } from '../context.js';
import { retryFailed, retrySignal } from '../ops/retry.js';
import { retryBody, retryFailedBody, sendBody } from '../schemas.js';
import { validate } from '../validate.js';

/** The runbook's signal procedures: send one, retry one by message id, retry every old unacknowledged one. */
export function signalRoutes(ctx: DaemonContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post('/api/signals/send', { config: { mutating: true } }, async (request) => {
      const body = validate(sendBody, request.body, 'body');
      return ctx.sender.send(body);
    });

    app.post('/api/signals/retry', { config: { mutating: true } }, async (request) => {
      const { swarmId, to, messageId } = validate(retryBody, request.body, 'body');
      return { messageId, outcome: await retrySignal(ctx.store, { swarmId, coordinatorId: to }, messageId) };
    });

    app.post('/api/signals/retry-failed', { config: { mutating: true } }, async (request) => {
      const { swarmId, olderThanMs } = validate(retryFailedBody, request.body ?? {}, 'body');
      return retryFailed(ctx.store, { olderThanMs, ...(swarmId === undefined ? {} : { swarmId }) });
    });
  };
}
