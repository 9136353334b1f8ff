/**
 * How the differential test turns each adapter's results into comparable values. Every rule here
 * removes only what the adapters may legitimately disagree on; each says why.
 */
import { entryTime } from '../../../src/store/entry-id.js';
import type { StreamEntry } from '../../../src/store/port.js';

/**
 * A well-formed entry id that no stream of a sequence ever holds (its ms part is 1, long before
 * any store clock reading), on both adapters alike: "an entry id the store does not know".
 */
export const UNKNOWN_ENTRY_ID = '1-1';

const REF = /^@(.+)#(\d+)$/;

interface StreamIds {
  next: number;
  /** First sequence number of the stream's current life (after its last deletion). */
  start: number;
  bySeq: Map<number, string>;
  byId: Map<string, number>;
}

/**
 * Stream entry ids, per stream, as sequence numbers in order of first appearance.
 *
 * Why this is legitimate: an entry id is `<store-clock ms>-<seq>`. The two adapters append at
 * different instants on different clocks (Date.now() and Redis TIME), so the same entry has a
 * different id on each, and two entries appended in one millisecond on one adapter may fall in
 * two on the other. What the port promises about ids is their order within one stream, that an id
 * names one entry of that stream, and that it can be handed back (afterId, entryId). Numbering the
 * ids of each stream in the order each adapter first shows them keeps exactly that: the same
 * entry gets the same number on both as long as both return the same entries in the same order,
 * and anything else is a mismatch. Numbers are per stream (not global) because ids of different
 * streams may coincide on one adapter and not on the other; arguments only ever name ids of the
 * stream they are used on (plus UNKNOWN_ENTRY_ID and '0-0'), for the same reason.
 * '0-0' (the cursor of an empty stream) is kept as is on both.
 */
export class IdBook {
  readonly #streams = new Map<string, StreamIds>();

  /** The comparable form (`@<stream key>#<n>`) of an id an adapter returned for `stream`. */
  ref(stream: string, id: string): string {
    if (id === '0-0') return id;
    const ids = this.#stream(stream);
    let seq = ids.byId.get(id);
    if (seq === undefined) {
      seq = ids.next++;
      ids.byId.set(id, seq);
      ids.bySeq.set(seq, id);
    }
    return `@${stream}#${seq}`;
  }

  /** This adapter's id for a reference `ref` made; literal ids pass through. */
  resolve(value: string): string {
    const match = REF.exec(value);
    if (!match) return value;
    const id = this.#streams.get(match[1]!)?.bySeq.get(Number(match[2]));
    if (id === undefined) throw new Error(`no entry id known for ${value} (the adapters diverged earlier)`);
    return id;
  }

  /** References to the entries of `stream` seen since it was last deleted. */
  known(stream: string): string[] {
    const ids = this.#streams.get(stream);
    if (!ids) return [];
    return [...ids.bySeq.keys()].filter((seq) => seq >= ids.start).map((seq) => `@${stream}#${seq}`);
  }

  /** Streams (keys starting with `prefix`) with entries seen since they were last deleted. */
  streamsWithEntries(prefix: string): string[] {
    return [...this.#streams.keys()].filter((key) => key.startsWith(prefix) && this.known(key).length > 0);
  }

  /**
   * The stream was deleted: ids it had are forgotten (a new stream under the key may reuse an old
   * id on one adapter and not on the other), numbers go on from where they were.
   */
  reset(stream: string): void {
    const ids = this.#streams.get(stream);
    if (!ids) return;
    ids.byId.clear();
    ids.bySeq.clear();
    ids.start = ids.next;
  }

  #stream(stream: string): StreamIds {
    let ids = this.#streams.get(stream);
    if (!ids) this.#streams.set(stream, (ids = { next: 0, start: 0, bySeq: new Map(), byId: new Map() }));
    return ids;
  }
}

/** Replaces every `@stream#n` string in `value` (deeply, in arrays and plain objects) by this adapter's id. */
export function resolveRefs<T>(value: T, book: IdBook): T {
  if (typeof value === 'string') return book.resolve(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => resolveRefs(item, book)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, book)])) as T;
  }
  return value;
}

/** What one adapter's results are normalised with. */
export class Norm {
  readonly book = new IdBook();
  /** Wall-clock ms when the sequence started: store times must fall after it. */
  readonly #since: number;

  constructor(since: number) {
    this.#since = since;
  }

  /**
   * A time the store took from its own clock (Date.now() on memory, Redis TIME on Redis) when it
   * ran the operation, e.g. an escalation's escalatedAt, a worker's lastHeartbeat.
   *
   * Why this is legitimate: the two adapters run the same operation at two different instants on
   * two clocks, so the same field differs by a few ms. What is checked instead, on each adapter,
   * is that it is a store-clock reading in ms taken during this sequence (not seconds, not a
   * caller's value, not 0); anything else stays visible and so mismatches.
   */
  storeTime(value: unknown): unknown {
    const plausible = typeof value === 'number' && Number.isInteger(value) && value >= this.#since - 5_000 && value <= Date.now() + 5_000;
    return plausible ? '<store time>' : { implausibleStoreTime: value };
  }

  /** Entries of `stream` with ids numbered (see IdBook). */
  entries(stream: string, entries: readonly StreamEntry[], body: (b: string | null) => unknown = (b) => b): unknown[] {
    return entries.map((entry) => ({
      id: this.book.ref(stream, entry.entryId),
      // `time` is the ms part of the entry's id on both adapters (the port: the store-clock ms at
      // which the store appended it); it is checked against the id on each adapter and then left
      // out, for the reason ids are numbered.
      time: entry.time === entryTime(entry.entryId) ? 'ms of its id' : { timeNotOfId: entry.time },
      body: body(entry.body),
    }));
  }

  /**
   * JSON the store itself writes (escalation records, spawn requests, event log entries): parsed,
   * and its store-time fields normalised.
   *
   * Why parsing is legitimate: the Lua scripts encode with cjson, whose key order follows Lua's
   * table hashing; the memory store uses JSON.stringify in insertion order. Readers parse these
   * documents, so key order carries nothing. Values, and which keys are there, are compared.
   * Bodies callers give (signals, ACKs, heartbeats, work items) are never parsed: they compare
   * byte for byte.
   */
  storeJson(text: string | null, timeFields: readonly string[]): unknown {
    if (text === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { notJson: text };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return parsed;
    const out: Record<string, unknown> = { ...(parsed as Record<string, unknown>) };
    for (const field of timeFields) if (field in out) out[field] = this.storeTime(out[field]);
    return out;
  }

  /**
   * A work item: a caller's body verbatim, or the wrapper escalation writes around it (the same
   * string template on both adapters), compared verbatim but for its transferredAt store times.
   */
  workItem(body: string): string {
    return body.replace(/"transferredAt":(\d+)/g, (_all, ms: string) => `"transferredAt":${JSON.stringify(this.storeTime(Number(ms)))}`);
  }
}

/**
 * A remaining lifetime (ms) in whole minutes, rounded up; -1 (no lifetime) and -2 (no key) as is.
 *
 * Why this is legitimate: a TTL is read some ms after it was set, and the two adapters run each
 * operation at slightly different instants, so the ms differ. Every lifetime a sequence sets (the
 * TTL arguments, and the adapters' own 1 day / 7 day constants) is a whole number of minutes and
 * a sequence lasts well under a minute, so rounding up to minutes gives back exactly the lifetime
 * that was last set: which TTL an operation keeps or refreshes is still compared.
 */
export function ttlBucket(ms: number): number | string {
  if (ms < 0) return ms;
  return `${Math.ceil(ms / 60_000)} min`;
}

/** Whether `values` never decrease: an adapter's own ordering promise, checked on each adapter. */
export function nonDecreasing(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || values[i - 1]! <= v);
}

/** Sorts by a string key (a copy). */
export function sortBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
