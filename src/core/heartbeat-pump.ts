/** Beats written at once: a batch's worth (the Redis adapter sends up to 64 writes as one). */
const CHUNK = 64;

/** What a pump beats: one coordinator's heartbeat loop. */
export interface Beating {
  /** Writes one beat; never rejects (a failure is the loop's to report). */
  beat(): Promise<void>;
}

const ignore = (): void => undefined;

const pumps = new WeakMap<object, Map<number, HeartbeatPump>>();

/**
 * The heartbeats of one process's coordinators on one store at one interval, driven by one timer:
 * every interval, the members beat a chunk at a time, each chunk once the one before it has
 * landed. A fleet started together would otherwise beat together, a timer and a write each in the
 * same millisecond, all in flight at once: a young-generation collection in that burst copies (and
 * often promotes) everything the whole fleet has in flight. Chunk by chunk, it finds one chunk's
 * (docs/performance.md, sixth pass).
 */
export class HeartbeatPump {
  readonly #intervalMs: number;
  readonly #members = new Set<Beating>();
  readonly #onEmpty: () => void;
  #timer: NodeJS.Timeout | undefined;
  /** performance.now() when the round under way began, if one is. */
  #roundStartedAt: number | undefined;

  private constructor(intervalMs: number, onEmpty: () => void) {
    this.#intervalMs = intervalMs;
    this.#onEmpty = onEmpty;
  }

  /** The pump of `store` at `intervalMs`, made on first use, forgotten once its last member leaves. */
  static of(store: object, intervalMs: number): HeartbeatPump {
    let byInterval = pumps.get(store);
    if (!byInterval) pumps.set(store, (byInterval = new Map()));
    let pump = byInterval.get(intervalMs);
    if (!pump) {
      const made: HeartbeatPump = new HeartbeatPump(intervalMs, () => {
        if (byInterval.get(intervalMs) === made) byInterval.delete(intervalMs);
        if (byInterval.size === 0 && pumps.get(store) === byInterval) pumps.delete(store);
      });
      byInterval.set(intervalMs, (pump = made));
    }
    return pump;
  }

  /** Beats `member` from the next round on (at most an interval away). */
  join(member: Beating): void {
    this.#members.add(member);
    if (this.#timer === undefined && this.#roundStartedAt === undefined) this.#timer = setTimeout(this.#round, this.#intervalMs);
  }

  /** Stops beating `member`; a beat of it already under way is its own to wait for. */
  leave(member: Beating): void {
    if (!this.#members.delete(member) || this.#members.size > 0) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#roundStartedAt === undefined) this.#onEmpty();
  }

  readonly #round = (): void => {
    this.#timer = undefined;
    this.#roundStartedAt = performance.now();
    void this.#beatAll([...this.#members]);
  };

  async #beatAll(members: Beating[]): Promise<void> {
    for (let start = 0; start < members.length; start += CHUNK) {
      const chunk: Promise<void>[] = [];
      const end = Math.min(start + CHUNK, members.length);
      for (let i = start; i < end; i += 1) if (this.#members.has(members[i]!)) chunk.push(members[i]!.beat());
      await Promise.all(chunk).catch(ignore); // beat() reports its own failures and never rejects; were one to, the round goes on
    }
    // Every interval from the round's start, not its end: a long round does not stretch the gap between beats.
    const tookMs = performance.now() - this.#roundStartedAt!;
    this.#roundStartedAt = undefined;
    if (this.#members.size === 0) this.#onEmpty();
    else this.#timer = setTimeout(this.#round, Math.max(0, this.#intervalMs - tookMs));
  }
}
