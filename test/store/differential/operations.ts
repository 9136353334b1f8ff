/**
 * The operations of the differential test: how each is drawn (arguments from small pools of ids,
 * so that operations meet on the same keys) and how its result is normalised (normalise.ts).
 * Every call goes through the Store port only.
 */
import { RendezvousError } from '../../../src/protocol/errors.js';
import { globalKeys, keys } from '../../../src/protocol/keys.js';
import type { FencedOp, LeaseClaim, LeaseHolder, LeaseRelease, LeaseRenewal } from '../../../src/store/lease-types.js';
import type { AckWrite, AppendOptions, EscalationTtls, Fence, HeartbeatWrite, InboxRef, Store } from '../../../src/store/port.js';
import { UNKNOWN_ENTRY_ID, nonDecreasing, resolveRefs, sortBy, ttlBucket, type IdBook, type Norm } from './normalise.js';
import type { Rng } from './prng.js';
import { entryNeedle } from '../../../src/store/push.js';

// Small pools of ids (drawn with a bias towards the first ones), so that operations meet on the same keys.
const COORDINATORS = ['c1', 'c2', 'c3', 'c4'] as const;
const IDEMPOTENCY_KEYS = ['k1', 'k2', 'k3'];
/** Idempotency records a send may store (the coordinator signs its own; the store holds whatever it is given). */
const RECORDS = ['rec-a', 'rec-b'];
const NAMESPACES = ['n1', 'n2'] as const;
const WORKERS = ['w1', 'w2', 'w3'];
const INSTANCES = ['i1', 'i2'];
const TASKS = ['t1', 't2', 't3'];
/**
 * Lifetimes, all whole minutes (see ttlBucket) and long enough that nothing expires during a
 * sequence: no result may depend on wall time passing.
 */
const TTLS = [60_000, 120_000, 3_600_000];
/** Workers count as silent after this: far longer than a sequence, so touchWorker drops nobody by time. */
const WORKER_TIMEOUT_MS = 600_000;
/**
 * Stream caps (ACK notices, fenced XADDs) above anything a sequence appends. Redis trims with
 * `MAXLEN ~` (whole macro nodes, so it may keep more than the cap), the memory store trims
 * exactly; the port only promises "near" the cap, so a cap that applies would make the adapters
 * differ legitimately. Trimming is therefore not compared here.
 */
const NO_TRIM_CAP = 1_000;
/**
 * Keys fencedWrite writes (`fenced:{tag}:<kind>`), one per type so that no key changes type; the
 * tag is a swarm (another slot than the lease) or the namespace (the lease's slot).
 */
const FENCED_KINDS = ['str', 'hash', 'log'] as const;

/**
 * What earlier steps told the generator, so that it meets earlier writes often (an ACK then its
 * replay check, an acquire then a renew by the holder ...). Learned from results already compared
 * equal (the memory adapter's), so a seed still replays.
 */
export interface Hints {
  /** Per namespace: the epoch last seen (held or last handed out). */
  epoch: Map<string, number>;
  /** Per namespace: who acquired the lease last, under which epoch. */
  leases: Map<string, { holder: LeaseHolder; epoch: number }>;
  /** Per namespace: the epoch counter and the digest of the lease record last read. */
  counters: Map<string, number>;
  digests: Map<string, string>;
  /** Inboxes signals were appended to. */
  appended: InboxRef[];
  acks: { inbox: InboxRef; messageId: string; senderId: string; receiverId?: string }[];
  /** ACK bodies stored (returned by acknowledge), to replace as forged. */
  ackBodies: string[];
  /** Replacements escalations created. */
  spawns: { swarmId: string; newId: string }[];
  /** Coordinators that beat. */
  beats: string[];
}

export function newHints(): Hints {
  return { epoch: new Map(), leases: new Map(), counters: new Map(), digests: new Map(), appended: [], acks: [], ackBodies: [], spawns: [], beats: [] };
}

/** Draws arguments. Only the PRNG and results already compared equal steer it, so a seed replays. */
export class Gen {
  constructor(
    readonly rng: Rng,
    readonly book: IdBook,
    readonly hints: Hints,
    readonly step: number,
  ) {}

  /** Something recorded earlier (when there is and the coin says so), else a fresh draw. */
  recall<T>(items: readonly T[], p: number, fresh: () => T): T {
    return items.length > 0 && this.rng.chance(p) ? this.rng.pick(items) : fresh();
  }
  swarm(): string {
    return this.rng.weighted([['s1', 4], ['s2', 1]]);
  }
  coordinator(): string {
    return this.rng.weighted([['c1', 4], ['c2', 3], ['c3', 2], ['c4', 1]]);
  }
  inbox(): InboxRef {
    return { swarmId: this.swarm(), coordinatorId: this.coordinator() };
  }
  /** Mostly an inbox whose entries were read earlier (so entry ids of it are known). */
  inboxWithEntries(): InboxRef {
    const streams = this.book.streamsWithEntries('blocking:signal:');
    return this.recall(streams.map(inboxOfKey), 0.8, () => this.inbox());
  }
  namespace(): string {
    return this.rng.pick(NAMESPACES);
  }
  ttl(): number {
    return this.rng.pick(TTLS);
  }
  message(): string {
    return this.rng.weighted([['m1', 4], ['m2', 3], ['m3', 2], ['m4', 1], ['m5', 1]]);
  }
  /** A caller's body: mostly unique per step, sometimes empty or not ASCII. */
  body(prefix: string): string {
    return this.rng.weighted([
      [`${prefix}-${this.step}`, 8],
      ['', 1],
      [`${prefix} é✓ ${this.step}`, 1],
      [`{"${prefix}":${this.step}}`, 1],
    ]);
  }
  /** An entry id of `stream` seen earlier (acknowledged or not), or one it never had. */
  entryId(stream: string): string {
    const known = this.book.known(stream);
    return known.length > 0 && this.rng.chance(0.8) ? this.rng.pick(known) : UNKNOWN_ENTRY_ID;
  }
  /** Where to read `stream` from: the start, or after an entry seen earlier. */
  cursor(stream: string, fromStart = 0.5): string {
    const known = this.book.known(stream);
    return known.length > 0 && !this.rng.chance(fromStart) ? this.rng.pick(known) : '0-0';
  }
  /** A supervisor term: missing (0), stale, current or newer than any, around the epochs seen. */
  epoch(namespace: string): number {
    const seen = this.hints.epoch.get(namespace) ?? 1;
    return this.rng.weighted([
      [0, 1],
      [Math.max(0, seen - 1), 2],
      [seen, 4],
      [seen + 1, 2],
      [this.rng.int(1, 4), 2],
    ]);
  }
  fence(): Fence {
    const namespace = this.namespace();
    return { namespace, epoch: this.epoch(namespace) };
  }
  holder(): LeaseHolder {
    return { workerId: this.rng.pick(WORKERS), instance: this.rng.weighted([[INSTANCES[0]!, 3], [INSTANCES[1]!, 1]]) };
  }
  /** Half the time the last acquirer of the namespace's lease with its epoch, else anyone with any term. */
  leaseTerm(ns: string): { holder: LeaseHolder; epoch: number } {
    const last = this.hints.leases.get(ns);
    return last && this.rng.chance(0.5) ? last : { holder: this.holder(), epoch: this.epoch(ns) };
  }
  heartbeat(): HeartbeatWrite {
    const swarmId = this.swarm();
    const coordinatorId = this.coordinator();
    return {
      swarmId,
      coordinatorId,
      body: this.body('hb'),
      // A caller's timestamp (the registry score): compared exactly.
      timestamp: 1_700_000_000_000 + this.step * 1_000 + this.rng.int(0, 2),
      ttlMs: this.ttl(),
      registryTtlMs: this.ttl(),
    };
  }
  /** A key of any kind a sequence may have written (or not). */
  key(): string {
    const s = this.swarm();
    const c = this.coordinator();
    const ns = this.namespace();
    return this.rng.pick([
      () => keys.inbox(s, c),
      () => keys.idempotency(s, c, this.rng.pick(IDEMPOTENCY_KEYS)),
      () => keys.ack(s, c, this.message()),
      () => keys.ackNotices(s, c),
      () => keys.heartbeat(c),
      () => keys.registry(s),
      () => keys.swarms(),
      () => keys.warning(s, c),
      () => keys.work(s, c),
      () => keys.escalation(s, c),
      () => keys.spawn(s, c),
      () => keys.pendingSpawns(s),
      () => keys.swarmEvents(s),
      () => keys.activity(s, c),
      () => globalKeys.leader(ns),
      () => globalKeys.epoch(ns),
      () => globalKeys.events(ns),
      () => globalKeys.workers(ns),
      () => globalKeys.workerInfo(ns),
      () => globalKeys.fence(this.rng.pick([s, ns]), ns),
      () => fencedKey(this.rng.pick([s, ns]), this.rng.pick(FENCED_KINDS)),
    ])();
  }
  keys(min: number, max: number): string[] {
    return Array.from({ length: this.rng.int(min, max) }, () => this.key());
  }
}

const fencedKey = (tag: string, kind: (typeof FENCED_KINDS)[number]) => `fenced:{${tag}}:${kind}`;

/** The inbox a `blocking:signal:{swarm}:coordinator` key belongs to. */
function inboxOfKey(key: string): InboxRef {
  const match = /^blocking:signal:\{([^}]+)\}:(.+)$/.exec(key);
  if (!match) throw new Error(`not an inbox key: ${key}`);
  return { swarmId: match[1]!, coordinatorId: match[2]! };
}

/** One drawn operation, as printed on a mismatch (entry ids as `@<stream>#<n>`, see IdBook). */
export interface Call {
  name: string;
  args: unknown[];
}

export interface Outcome {
  /** What the adapter returned (or the error it threw), for the failure message. */
  raw: unknown;
  /** What is compared. */
  value: unknown;
}

export interface Operation {
  name: string;
  weight: number;
  draw(g: Gen): unknown[];
  /** Runs it on one adapter, with that adapter's entry ids, and normalises the result. */
  run(store: Store, args: unknown[], norm: Norm): Promise<Outcome>;
  /** Updates the hints from the (compared) normalised result. */
  learn?(value: unknown, args: unknown[], hints: Hints): void;
}

/** An error is compared by its class and catalogue code, never by its message (Redis's text differs). */
function errorValue(error: unknown): unknown {
  if (error instanceof RendezvousError) return { error: error.name, code: error.code };
  return { error: error instanceof Error ? error.name : typeof error };
}

function define<A extends unknown[], R>(spec: {
  name: string;
  weight: number;
  draw(g: Gen): A;
  call(store: Store, ...args: A): Promise<R>;
  norm?(result: R, n: Norm, args: A): unknown;
  learn?(value: unknown, args: A, hints: Hints): void;
}): Operation {
  return {
    name: spec.name,
    weight: spec.weight,
    draw: spec.draw,
    async run(store, args, norm) {
      let raw: R;
      try {
        raw = await spec.call(store, ...resolveRefs(args as A, norm.book));
      } catch (error) {
        return { raw: error, value: errorValue(error) };
      }
      return { raw, value: spec.norm ? spec.norm(raw, norm, args as A) : (raw ?? null) };
    },
    ...(spec.learn ? { learn: (value: unknown, args: unknown[], hints: Hints) => spec.learn!(value, args as A, hints) } : {}),
  };
}

function learnLease<A extends [string, ...unknown[]]>(value: unknown, [namespace]: A, hints: Hints): void {
  const state = value as { epoch?: unknown; counter?: unknown; record?: { digest: string } | null } | null;
  if (typeof state?.epoch === 'number') hints.epoch.set(namespace, state.epoch);
  if (typeof state?.counter === 'number') hints.counters.set(namespace, state.counter);
  if (state?.record) hints.digests.set(namespace, state.record.digest);
}

/** Key kinds whose string values are JSON the store writes, with the store-time fields in them. */
function stringValue(key: string, value: string | null, n: Norm): unknown {
  if (/^coordinator:escalation:/.test(key)) return n.storeJson(value, ['escalatedAt']);
  if (/^coordinator:spawn:/.test(key)) return n.storeJson(value, ['requestedAt']);
  return value;
}

/** Forgets the entry ids of deleted streams (see IdBook.reset); other keys are not in the book. */
function forget(n: Norm, keyList: readonly string[]): void {
  for (const key of keyList) n.book.reset(key);
}

export const OPERATIONS: Operation[] = [
  // --- signals and inboxes ---
  define({
    name: 'appendSignal',
    weight: 12,
    draw: (g): [InboxRef, string, AppendOptions] => {
      const to = g.inbox();
      const options: AppendOptions = { messageId: g.message(), senderId: g.coordinator(), ttlMs: g.ttl() };
      if (g.rng.chance(0.5)) options.idempotencyKey = g.rng.pick(IDEMPOTENCY_KEYS);
      // A signed record, or none (the messageId is stored); a record to replace: '' and a stored one are the edges.
      if (g.rng.chance(0.5)) options.idempotencyRecord = g.rng.pick(RECORDS);
      if (g.rng.chance(0.3)) options.replaceRecord = g.rng.pick([...RECORDS, 'm1', 'm2', '']);
      // The inbox length limit (the send rate limit is left out: it depends on time, as worker timeouts do).
      if (g.rng.chance(0.3)) options.maxInboxLength = g.rng.int(1, 3);
      // Mostly a body that names its messageId as a signal's does, so that an ACK of it removes its entry.
      const body = g.rng.chance(0.7) ? `${g.body('sig')} ${entryNeedle(options.messageId)}` : g.body('sig');
      return [to, body, options];
    },
    call: (s, to, body, options) => s.appendSignal(to, body, options),
    learn: (_value, [to], hints) => void hints.appended.push(to),
  }),
  define({
    name: 'ensureInbox',
    weight: 3,
    draw: (g): [InboxRef, number] => [g.inbox(), g.ttl()],
    call: (s, inbox, ttl) => s.ensureInbox(inbox, ttl),
  }),
  define({
    name: 'readNew',
    weight: 7,
    draw: (g): [InboxRef, number] => [g.recall(g.hints.appended, 0.6, () => g.inbox()), g.rng.int(1, 3)],
    call: (s, inbox, count) => s.readNew(inbox, count),
    norm: (r, n, [inbox]) => n.entries(keys.inbox(inbox.swarmId, inbox.coordinatorId), r),
  }),
  define({
    name: 'peekInbox',
    weight: 3,
    draw: (g): [InboxRef, string, number] => {
      const inbox = g.inboxWithEntries();
      return [inbox, g.cursor(keys.inbox(inbox.swarmId, inbox.coordinatorId), 0.7), g.rng.int(1, 4)];
    },
    call: (s, inbox, afterId, count) => s.peekInbox(inbox, afterId, count),
    norm: (r, n, [inbox]) => n.entries(keys.inbox(inbox.swarmId, inbox.coordinatorId), r),
  }),
  define({
    name: 'inboxLengths',
    weight: 2,
    draw: (g): [InboxRef[]] => [Array.from({ length: g.rng.int(0, 3) }, () => g.inboxWithEntries())],
    call: (s, inboxes) => s.inboxLengths(inboxes),
  }),
  define({
    name: 'readPending',
    weight: 6,
    draw: (g): [InboxRef, string, number] => {
      const inbox = g.inboxWithEntries();
      return [inbox, g.cursor(keys.inbox(inbox.swarmId, inbox.coordinatorId), 0.7), g.rng.int(1, 4)];
    },
    call: (s, inbox, afterId, count) => s.readPending(inbox, afterId, count),
    norm: (r, n, [inbox]) => n.entries(keys.inbox(inbox.swarmId, inbox.coordinatorId), r),
  }),
  define({
    name: 'discard',
    weight: 3,
    draw: (g): [InboxRef, string] => {
      const inbox = g.inboxWithEntries();
      return [inbox, g.entryId(keys.inbox(inbox.swarmId, inbox.coordinatorId))];
    },
    call: (s, inbox, entryId) => s.discard(inbox, entryId),
  }),
  define({
    name: 'acknowledge',
    weight: 9,
    draw: (g): [InboxRef, AckWrite] => {
      const inbox = g.inboxWithEntries();
      const write: AckWrite = { messageId: g.message(), senderId: g.coordinator(), body: g.body('ack'), ttlMs: g.ttl(), noticeMaxLen: NO_TRIM_CAP };
      if (g.rng.chance(0.75)) write.entryId = g.entryId(keys.inbox(inbox.swarmId, inbox.coordinatorId));
      if (g.rng.chance(0.25)) write.receiverId = g.coordinator();
      if (g.rng.chance(0.3)) write.replaceForged = g.recall(g.hints.ackBodies, 0.7, () => g.rng.pick(['', 'ack-0']));
      return [inbox, write];
    },
    call: (s, inbox, write) => s.acknowledge(inbox, write),
    learn: (value, [inbox, write], hints) => {
      hints.ackBodies.push((value as { body: string }).body);
      hints.acks.push({ inbox, messageId: write.messageId, senderId: write.senderId, ...(write.receiverId === undefined ? {} : { receiverId: write.receiverId }) });
    },
  }),
  define({
    name: 'readAck',
    weight: 4,
    draw: (g): [InboxRef, string, string | undefined] =>
      g.recall(
        g.hints.acks.map((a): [InboxRef, string, string | undefined] => [a.inbox, a.messageId, a.receiverId]),
        0.5,
        () => [g.inbox(), g.message(), g.rng.chance(0.3) ? g.coordinator() : undefined],
      ),
    call: (s, inbox, messageId, receiverId) => s.readAck(inbox, messageId, receiverId),
  }),
  define({
    name: 'readAckNotices',
    weight: 4,
    draw: (g): [InboxRef, string, number] => {
      const sender = g.recall(
        g.hints.acks.map((a) => ({ swarmId: a.inbox.swarmId, coordinatorId: a.senderId })),
        0.5,
        () => g.inbox(),
      );
      return [sender, g.cursor(keys.ackNotices(sender.swarmId, sender.coordinatorId)), g.rng.int(1, 4)];
    },
    call: (s, sender, afterId, count) => s.readAckNotices(sender, afterId, count),
    norm: (r, n, [sender]) => n.entries(keys.ackNotices(sender.swarmId, sender.coordinatorId), r),
  }),
  define({
    name: 'ackSnapshot',
    weight: 4,
    draw: (g): [InboxRef, string[], string] => {
      const others = g.rng.some(COORDINATORS, 0, 2);
      return g.recall(
        g.hints.acks.map((a): [InboxRef, string[], string] => [
          { swarmId: a.inbox.swarmId, coordinatorId: a.senderId },
          [a.receiverId ?? a.inbox.coordinatorId, ...others],
          a.messageId,
        ]),
        0.5,
        () => [g.inbox(), others, g.message()],
      );
    },
    call: (s, sender, ackers, messageId) => s.ackSnapshot(sender, ackers, messageId),
    norm: (r, n, [sender]) => ({ acks: r.acks, cursor: n.book.ref(keys.ackNotices(sender.swarmId, sender.coordinatorId), r.cursor) }),
  }),

  // --- liveness and work ---
  define({
    name: 'beat',
    weight: 3,
    draw: (g): [HeartbeatWrite] => [g.heartbeat()],
    call: (s, hb) => s.beat(hb),
    learn: (_value, [hb], hints) => void hints.beats.push(hb.coordinatorId),
  }),
  define({
    name: 'register',
    weight: 3,
    draw: (g): [HeartbeatWrite] => [g.heartbeat()],
    call: (s, hb) => s.register(hb),
    learn: (_value, [hb], hints) => void hints.beats.push(hb.coordinatorId),
  }),
  define({
    name: 'deregister',
    weight: 2,
    draw: (g): [string, string] => [g.swarm(), g.coordinator()],
    call: (s, swarmId, coordinatorId) => s.deregister(swarmId, coordinatorId),
  }),
  define({
    name: 'getHeartbeat',
    weight: 2,
    draw: (g): [string] => [g.recall(g.hints.beats, 0.6, () => g.coordinator())],
    call: (s, coordinatorId) => s.getHeartbeat(coordinatorId),
    norm: (r) => (r === null ? null : { body: r.body, ttl: ttlBucket(r.ttlMs) }),
  }),
  define({
    name: 'listRegistry',
    weight: 2,
    draw: (g): [string] => [g.swarm()],
    call: (s, swarmId) => s.listRegistry(swarmId),
    // The port promises no order (a registry is a set of coordinators; its readers build maps):
    // Redis answers by score, the memory store in insertion order. Sorted by id.
    norm: (r) => sortBy(r, (e) => e.coordinatorId),
  }),
  define({
    name: 'putWork',
    weight: 3,
    draw: (g): [InboxRef, string, string, number] => [g.inbox(), g.rng.pick(TASKS), `{"task":${g.step}}`, g.ttl()],
    call: (s, owner, taskId, body, ttl) => s.putWork(owner, taskId, body, ttl),
  }),
  define({
    name: 'listWork',
    weight: 3,
    draw: (g): [InboxRef] => [g.recall(g.hints.spawns.map(({ swarmId, newId }) => ({ swarmId, coordinatorId: newId })), 0.4, () => g.inbox())],
    call: (s, owner) => s.listWork(owner),
    // A Map of task id -> body: the port promises no order (HGETALL's is Redis's own). Sorted by task id.
    norm: (r, n) => sortBy([...r], ([task]) => task).map(([task, body]) => [task, n.workItem(body)]),
  }),
  define({
    name: 'recordActivity',
    weight: 1,
    draw: (g): [InboxRef, string, number] => [g.inbox(), `{"timestamp":${1_700_000_000_000 + g.step}}`, g.ttl()],
    call: (s, owner, body, ttl) => s.recordActivity(owner, body, ttl),
  }),

  // --- supervision, fenced by (swarm slot, namespace) epochs ---
  define({
    name: 'warnCoordinator',
    weight: 4,
    draw: (g): [InboxRef, Fence, number] => [g.inbox(), g.fence(), g.ttl()],
    call: (s, owner, fence, ttl) => s.warnCoordinator(owner, fence, ttl),
  }),
  define({
    name: 'clearWarnings',
    weight: 4,
    draw: (g): [InboxRef, Fence] => [g.inbox(), g.fence()],
    call: (s, owner, fence) => s.clearWarnings(owner, fence),
  }),
  define({
    name: 'escalate',
    weight: 4,
    draw: (g): [InboxRef, string, Fence, EscalationTtls] => {
      const dead = g.rng.chance(0.5) ? g.inboxWithEntries() : g.inbox();
      // A supervisor never names the dead coordinator as its own replacement.
      const newId = g.rng.pick(COORDINATORS.filter((c) => c !== dead.coordinatorId));
      return [dead, newId, g.fence(), { recordTtlMs: g.ttl(), workTtlMs: g.ttl(), inboxTtlMs: g.ttl() }];
    },
    call: (s, dead, newId, fence, ttls) => s.escalate(dead, newId, fence, ttls),
    norm: (r, n, [dead]) => {
      // A created escalation deletes the dead inbox: its entry ids are forgotten (IdBook.reset).
      if (r.outcome === 'created') forget(n, [keys.inbox(dead.swarmId, dead.coordinatorId)]);
      return r;
    },
    learn: (value, [dead, newId], hints) => {
      if ((value as { outcome?: string }).outcome === 'created') hints.spawns.push({ swarmId: dead.swarmId, newId });
    },
  }),
  define({
    name: 'pendingSpawns',
    weight: 2,
    draw: (g): [string] => [g.swarm()],
    call: (s, swarmId) => s.pendingSpawns(swarmId),
    // requestedAt is a store time. The order is checked on each adapter (oldest first, as both
    // implement it) and the list then sorted by id: two requests made in one ms on one adapter
    // may be in two on the other, and ties are broken differently (insertion vs member order).
    norm: (r, n) => ({
      oldestFirst: nonDecreasing(r.map((p) => p.requestedAt)),
      requests: sortBy(r, (p) => p.replacementId).map((p) => ({ ...p, requestedAt: n.storeTime(p.requestedAt) })),
    }),
  }),
  define({
    name: 'markSpawned',
    weight: 3,
    draw: (g): [string, string, Fence] => {
      const { swarmId, newId } = g.recall(g.hints.spawns, 0.8, () => ({ swarmId: g.swarm(), newId: g.coordinator() }));
      return [swarmId, newId, g.fence()];
    },
    call: (s, swarmId, newId, fence) => s.markSpawned(swarmId, newId, fence),
  }),
  define({
    name: 'readSwarmEvents',
    weight: 1,
    draw: (g): [string, string, number] => {
      const swarmId = g.swarm();
      return [swarmId, g.cursor(keys.swarmEvents(swarmId)), g.rng.int(1, 3)];
    },
    // blockMs 1: when there is nothing, both wait 1 ms and return nothing.
    call: (s, swarmId, afterId, count) => s.readSwarmEvents(swarmId, afterId, { count, blockMs: 1 }),
    norm: (r, n, [swarmId]) => n.entries(keys.swarmEvents(swarmId), r, (body) => n.storeJson(body, ['at'])),
  }),

  // --- leader election ---
  define({
    name: 'acquireLease',
    weight: 5,
    draw: (g): [string, LeaseClaim] => {
      const ns = g.namespace();
      const { holder, epoch } = g.leaseTerm(ns);
      const counter = g.hints.counters.get(ns) ?? 0;
      // The epoch proposed: mostly above the counter, sometimes at or below it (a worker that knew an older one), or far above (a floor).
      const proposed = g.rng.weighted([[counter + 1, 6], [counter, 1], [Math.max(1, counter - 1), 1], [counter + g.rng.pick([3, 8]), 2]]);
      const digest = g.hints.digests.get(ns);
      return [
        ns,
        {
          worker: holder,
          knownEpoch: g.rng.chance(0.2) ? 0 : epoch,
          epoch: proposed,
          leaseMs: g.rng.pick([60_000, 120_000]),
          // The store keeps seals as given (it cannot check them): any string shows that.
          seal: g.body('seal'),
          eventSeal: g.body('event-seal'),
          // Sometimes the digest of the record last read (replaced if it is still that one), or one that matches nothing.
          ...(g.rng.chance(0.2) ? { replace: digest !== undefined && g.rng.chance(0.8) ? digest : 'f'.repeat(40) } : {}),
          ...(g.rng.chance(0.1) ? { resetCounter: g.rng.pick([counter, counter + 1]) } : {}),
        },
      ];
    },
    call: (s, ns, claim) => s.acquireLease(ns, claim),
    norm: (r, n, [ns]) => ({ ...r, ttlMs: ttlBucket(r.ttlMs), eventsCursor: n.book.ref(globalKeys.events(ns), r.eventsCursor) }),
    learn: (value, args, hints) => {
      learnLease(value, args, hints);
      const { acquired, epoch } = value as { acquired: boolean; epoch: number };
      if (acquired) hints.leases.set(args[0], { holder: args[1].worker, epoch });
    },
  }),
  define({
    name: 'renewLease',
    weight: 3,
    draw: (g): [string, LeaseRenewal] => {
      const ns = g.namespace();
      const { holder, epoch } = g.leaseTerm(ns);
      return [ns, { worker: holder, epoch, leaseMs: g.rng.pick([60_000, 120_000]), renewal: g.rng.int(1, 5), seal: g.body('seal') }];
    },
    call: (s, ns, renewal) => s.renewLease(ns, renewal),
  }),
  define({
    name: 'releaseLease',
    weight: 3,
    draw: (g): [string, LeaseRelease] => {
      const ns = g.namespace();
      const { holder, epoch } = g.leaseTerm(ns);
      return [ns, { worker: holder, epoch, eventSeal: g.body('event-seal') }];
    },
    call: (s, ns, release) => s.releaseLease(ns, release),
  }),
  define({
    name: 'readLease',
    weight: 2,
    draw: (g): [string] => [g.namespace()],
    call: (s, ns) => s.readLease(ns),
    norm: (r, n, [ns]) => ({ ...r, ttlMs: ttlBucket(r.ttlMs), eventsCursor: n.book.ref(globalKeys.events(ns), r.eventsCursor) }),
    learn: learnLease,
  }),
  define({
    name: 'readLeaseEvents',
    weight: 1,
    draw: (g): [string, string, number] => {
      const ns = g.namespace();
      return [ns, g.cursor(globalKeys.events(ns)), g.rng.int(1, 3)];
    },
    call: (s, ns, afterId, count) => s.readLeaseEvents(ns, afterId, { count, blockMs: 1 }),
    norm: (r, n, [ns]) => n.entries(globalKeys.events(ns), r, (body) => n.storeJson(body, [])),
  }),
  define({
    name: 'touchWorker',
    weight: 2,
    draw: (g): [string, { workerId: string; startTime: number; plugins: string[] }, number] => [
      g.namespace(),
      { workerId: g.rng.pick(WORKERS), startTime: 1_700_000_000_000 + g.step, plugins: g.rng.some(['cleanup', 'monitor'], 0, 2) },
      WORKER_TIMEOUT_MS,
    ],
    call: (s, ns, worker, timeout) => s.touchWorker(ns, worker, timeout),
    norm: (r) => [...r].sort(),
  }),
  define({
    name: 'listWorkers',
    weight: 1,
    draw: (g): [string, number] => [g.namespace(), WORKER_TIMEOUT_MS],
    call: (s, ns, timeout) => s.listWorkers(ns, timeout),
    // lastHeartbeat is a store time; order as for pendingSpawns (oldest first, checked per adapter).
    norm: (r, n) => ({
      oldestFirst: nonDecreasing(r.map((w) => w.lastHeartbeat)),
      workers: sortBy(r, (w) => w.workerId).map((w) => ({ ...w, lastHeartbeat: n.storeTime(w.lastHeartbeat) })),
    }),
  }),
  define({
    name: 'removeWorker',
    weight: 1,
    draw: (g): [string, string] => [g.namespace(), g.rng.pick(WORKERS)],
    call: (s, ns, workerId) => s.removeWorker(ns, workerId),
  }),
  define({
    name: 'fencedWrite',
    weight: 5,
    draw: (g): [string, string, number, FencedOp[], { replaceFence?: number }] => {
      const ns = g.namespace();
      const swarm = g.swarm();
      const tag = g.rng.chance(0.5) ? ns : swarm;
      const ops: FencedOp[] = Array.from({ length: g.rng.int(0, 3) }, (): FencedOp => {
        const ttl = g.rng.chance(0.7) ? { ttlMs: g.ttl() } : {};
        switch (g.rng.int(0, 4)) {
          case 0:
            return { op: 'set', key: fencedKey(tag, 'str'), value: g.body('v'), ...ttl };
          case 1:
            return { op: 'del', key: fencedKey(tag, g.rng.pick(FENCED_KINDS)) };
          case 2: {
            const fields = Object.fromEntries(g.rng.some(['a', 'b'], 0, 2).map((f) => [f, g.body(f)]));
            // In a swarm's slot, into a work hash: listWork shows what it wrote.
            const key = tag === swarm && g.rng.chance(0.5) ? keys.work(swarm, g.coordinator()) : fencedKey(tag, 'hash');
            return { op: 'hset', key, fields, ...ttl };
          }
          case 3:
            return { op: 'xadd', key: fencedKey(tag, 'log'), body: g.body('e'), ...(g.rng.chance(0.5) ? { maxLen: NO_TRIM_CAP } : {}), ...ttl };
          default:
            // A key outside the fence's slot: refused before any write, on both.
            return g.rng.chance(0.3) ? { op: 'set', key: fencedKey(tag === ns ? swarm : ns, 'str'), value: 'x' } : { op: 'del', key: fencedKey(tag, 'str') };
        }
      });
      // Sometimes a fence value to count as absent: the epoch the slot's fence may hold, or one it does not.
      const options = g.rng.chance(0.15) ? { replaceFence: g.rng.int(1, 6) } : {};
      return [ns, tag, g.epoch(ns), ops, options];
    },
    call: (s, ns, tag, epoch, ops, options) => s.fencedWrite(ns, tag, epoch, ops, options),
  }),

  // --- maintenance ---
  define({
    name: 'listSwarms',
    weight: 1,
    draw: (): [] => [],
    call: (s) => s.listSwarms(),
    norm: (r) => [...r].sort(), // a set: no order
  }),
  define({
    name: 'pruneRegistry',
    weight: 1,
    draw: (g): [string, string[]] => [g.swarm(), g.rng.some(COORDINATORS, 0, 2)],
    call: (s, swarmId, ids) => s.pruneRegistry(swarmId, ids),
  }),
  define({
    name: 'readStrings',
    weight: 2,
    draw: (g): [string[]] => [g.keys(0, 5)],
    call: (s, keyList) => s.readStrings(keyList),
    norm: (r, n, [keyList]) => r.map((value, i) => stringValue(keyList[i]!, value, n)),
  }),
  define({
    name: 'keyTtls',
    weight: 2,
    draw: (g): [string[]] => [g.keys(0, 5)],
    call: (s, keyList) => s.keyTtls(keyList),
    norm: (r) => r.map(ttlBucket),
  }),
  define({
    name: 'deleteKeys',
    weight: 1,
    draw: (g): [string[]] => [g.keys(0, 3)],
    call: (s, keyList) => s.deleteKeys(keyList),
    norm: (r, n, [keyList]) => {
      forget(n, keyList);
      return r;
    },
  }),
  define({
    name: 'expireKeysWithoutTtl',
    weight: 1,
    draw: (g): [string[], number] => [g.keys(0, 4), g.rng.pick(TTLS)],
    call: (s, keyList, ttl) => s.expireKeysWithoutTtl(keyList, ttl),
  }),
  define({
    name: 'scanKeys',
    weight: 1,
    draw: (g): [string, number] => [
      g.rng.pick(['*', 'blocking:*', 'coordinator:*', `*{${g.swarm()}}*`, `blocking:ack:{s1}:${g.coordinator()}:*`, 'coordinator:global:*', 'fenced:*']),
      g.rng.int(1, 20),
    ],
    call: (s, pattern, batch) => scanAll(s, pattern, batch),
  }),
];

/**
 * Every key matching a pattern, sorted, each once: SCAN may return a key twice and in any order
 * (the memory store yields each once, in its own order); the set of keys is what is compared.
 */
async function scanAll(store: Store, pattern: string, batchSize: number): Promise<string[]> {
  const found = new Set<string>();
  for await (const batch of store.scanKeys(pattern, batchSize)) for (const key of batch) found.add(key);
  return [...found].sort();
}

/**
 * The whole keyspace as the port's maintenance operations see it, run after every sequence: each
 * key, its lifetime (bucketed) and its value if it is a string. Catches state that no read
 * operation of the sequence happened to look at.
 */
export const KEYSPACE: Operation = define({
  name: 'keyspace',
  weight: 0,
  draw: (): [] => [],
  call: async (s) => {
    const all = await scanAll(s, '*', 100);
    const [ttls, strings] = await Promise.all([s.keyTtls(all), s.readStrings(all)]);
    return all.map((key, i) => ({ key, ttl: ttls[i]!, value: strings[i] ?? null }));
  },
  norm: (r, n) => r.map(({ key, ttl, value }) => ({ key, ttl: ttlBucket(ttl), value: stringValue(key, value, n) })),
});
