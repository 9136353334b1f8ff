/**
 * One coordinator's pending signals, verified as its receiver would: the read model's
 * describePending over a peek of its inbox (XRANGE, nothing consumed). Shared by `inbox` and `verify`.
 */
import { NotFoundError } from '../protocol/errors.js';
import { assertId } from '../protocol/ids.js';
import { Keyring } from '../protocol/keyring.js';
import { describePending, type PendingSignal } from '../server/read-model/pending-signals.js';
import { readReplacements } from '../server/read-model/replacements.js';
import type { Store } from '../store/port.js';
import { replayWindowMs } from './read-context.js';

/** Entries read from one inbox at most. */
const PEEK_LIMIT = 1_000;

/** Without a secret nothing verifies: a keyring no signature can match, so each shows why not. */
const NO_KEY = new Keyring(Buffer.alloc(0));

export interface InboxDoc {
  swarmId: string;
  coordinatorId: string;
  /** Whether a secret was set to verify with (without one, every signal shows unverified). */
  secretSet: boolean;
  pending: PendingSignal[];
}

/** The swarm of a coordinator: the one named, else the only registered swarm that lists it. */
export async function locate(store: Pick<Store, 'listSwarms' | 'listRegistry' | 'inboxLengths'>, id: string, swarm: string | undefined): Promise<string> {
  assertId(id, 'coordinator id');
  if (swarm !== undefined) {
    assertId(swarm, 'swarm id');
    return swarm;
  }
  const found: string[] = [];
  for (const s of await store.listSwarms()) {
    const [registered, [length]] = await Promise.all([store.listRegistry(s), store.inboxLengths([{ swarmId: s, coordinatorId: id }])]);
    if (registered.some((e) => e.coordinatorId === id) || (length ?? 0) > 0) found.push(s);
  }
  if (found.length === 0) throw new NotFoundError(`Coordinator ${id} (in no swarm's registry and no inbox; pass --swarm)`, { coordinatorId: id });
  if (found.length > 1) throw new NotFoundError(`Coordinator ${id} in one swarm (it is in ${found.join(', ')}: pass --swarm)`, { coordinatorId: id });
  return found[0]!;
}

/** The inbox document, and the stored bodies by entry id (for `verify`'s signing strings; never printed whole). */
export async function readInbox(store: Store, id: string, swarm: string | undefined, keyring: Keyring | undefined, withPayloads: boolean): Promise<InboxDoc & { bodies: Map<string, string> }> {
  const swarmId = await locate(store, id, swarm);
  const owner = { swarmId, coordinatorId: id };
  const [entries, replacements] = await Promise.all([store.peekInbox(owner, '0-0', PEEK_LIMIT), readReplacements(store, swarmId)]);
  const replaces = replacements.find((r) => r.newCoordinatorId === id)?.oldCoordinatorId ?? null;
  const pending = describePending(owner, entries, { keyring: keyring ?? NO_KEY, replayWindowMs, replaces }, withPayloads);
  const bodies = new Map(entries.flatMap((e) => (e.body === null ? [] : [[e.entryId, e.body] as const])));
  return { swarmId, coordinatorId: id, secretSet: keyring !== undefined, pending, bodies };
}
