import { parseEntryId } from '../entry-id.js';
import type { StreamEntry } from '../port.js';

interface Entry {
  ms: number;
  seq: number;
  body: string;
}

export function entryId(ms: number, seq: number): string {
  return `${ms}-${seq}`;
}


function isAfter(ms: number, seq: number, id: [number, number]): boolean {
  return ms > id[0] || (ms === id[0] && seq > id[1]);
}

/** An append-only stream with one consumer group, as Redis streams behave for Rendezvous. */
export class MemoryStream {
  readonly #entries = new Map<string, Entry>();
  #last: [number, number] = [0, 0];
  #lastDelivered: [number, number] = [0, 0];
  /** Pending entry ids -> consumer. */
  readonly #pending = new Map<string, string>();

  /** The newest id ever appended ('0-0' when none). */
  get lastId(): string {
    return entryId(this.#last[0], this.#last[1]);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Appends with an id from the store clock, strictly above the last one. */
  append(body: string, now: number): string {
    const ms = Math.max(now, this.#last[0]);
    const seq = ms === this.#last[0] ? this.#last[1] + 1 : 0;
    this.#last = [ms, seq];
    const id = entryId(ms, seq);
    this.#entries.set(id, { ms, seq, body });
    return id;
  }

  /** Appends under a given id if it is above the last one (XADD with an explicit id); else under a new one. */
  appendWithId(id: string, body: string, now: number): string {
    const [ms, seq] = parseEntryId(id);
    if (!isAfter(ms, seq, this.#last)) return this.append(body, now);
    this.#last = [ms, seq];
    this.#entries.set(id, { ms, seq, body });
    return id;
  }

  /** Every entry, oldest first (XRANGE - +). */
  all(): StreamEntry[] {
    return [...this.#entries].map(([id, entry]) => ({ entryId: id, time: entry.ms, body: entry.body }));
  }

  /** Like XREADGROUP `>`: undelivered entries become pending for `consumer`. */
  deliverNew(consumer: string, count: number): StreamEntry[] {
    const out: StreamEntry[] = [];
    for (const [id, entry] of this.#entries) {
      if (out.length >= count) break;
      if (!isAfter(entry.ms, entry.seq, this.#lastDelivered)) continue;
      this.#lastDelivered = [entry.ms, entry.seq];
      this.#pending.set(id, consumer);
      out.push({ entryId: id, time: entry.ms, body: entry.body });
    }
    return out;
  }

  /** Like XREADGROUP with an id: this consumer's pending entries after `afterId`. */
  pendingFor(consumer: string, afterId: string, count: number): StreamEntry[] {
    const from = parseEntryId(afterId);
    const mine = [...this.#pending]
      .filter(([, owner]) => owner === consumer)
      .map(([id]) => ({ id, key: parseEntryId(id) }))
      .filter(({ key }) => isAfter(key[0], key[1], from))
      .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1]);
    return mine.slice(0, count).map(({ id, key }) => ({ entryId: id, time: key[0], body: this.#entries.get(id)?.body ?? null }));
  }

  /** Like XREAD: entries after `afterId`, no group. */
  readAfter(afterId: string, count: number): StreamEntry[] {
    const from = parseEntryId(afterId);
    const out: StreamEntry[] = [];
    for (const [id, entry] of this.#entries) {
      if (out.length >= count) break;
      if (isAfter(entry.ms, entry.seq, from)) out.push({ entryId: id, time: entry.ms, body: entry.body });
    }
    return out;
  }

  /** An entry's body, or undefined when there is no such entry. */
  bodyOf(id: string): string | undefined {
    return this.#entries.get(id)?.body;
  }

  /** XACK + XDEL. */
  remove(id: string): void {
    this.#pending.delete(id);
    this.#entries.delete(id);
  }

  /** Drops the oldest entries beyond `maxLen`. */
  trim(maxLen: number): void {
    for (const id of this.#entries.keys()) {
      if (this.#entries.size <= maxLen) break;
      this.#entries.delete(id);
    }
  }
}
