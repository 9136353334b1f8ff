import * as z from 'zod';
import { isValidId } from '../protocol/ids.js';

/** An id by the library's rule (1-64 of A-Z a-z 0-9 _ . -). */
export const id = z.string().refine(isValidId, { message: 'must be 1-64 characters of A-Z a-z 0-9 _ . -' });
const messageId = z.string().min(1).max(200);
const ms = z.number().int().nonnegative().max(365 * 86_400_000);

export const coordinatorParams = z.object({ swarm: id, id });
export const swarmQuery = z.object({ swarm: id.optional() }).strict();
export const detailQuery = z.object({ payloads: z.enum(['true', 'false']).optional() }).strict();

export const sendBody = z
  .object({
    swarmId: id,
    from: id.default('rendezvous-ops'),
    to: id,
    type: id,
    payload: z.unknown().optional(),
    iteration: z.number().int().nonnegative().optional(),
    idempotencyKey: id.optional(),
  })
  .strict();

export const retryBody = z.object({ swarmId: id, to: id, messageId }).strict();
export const retryFailedBody = z.object({ swarmId: id.optional(), olderThanMs: ms.default(60_000) }).strict();
export const cleanupBody = z.object({ dryRun: z.boolean().default(true), thresholdMs: z.number().int().positive().max(365 * 86_400_000).optional() }).strict();
/** Routes without a body accept none, or an empty object. */
export const emptyBody = z.union([z.undefined(), z.null(), z.object({}).strict()]);
