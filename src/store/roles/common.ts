/** Values several store roles share. */

/** Where a coordinator's inbox (and the ACKs it gives) live: its swarm and its id. */
export interface InboxRef {
  swarmId: string;
  coordinatorId: string;
}

/** One stream entry. `time` is the store-clock ms at which the store appended it. */
export interface StreamEntry {
  /** The stream entry id Redis gave it (`<ms>-<seq>`). */
  entryId: string;
  time: number;
  /** The stored message, or null when the entry was deleted while still pending. */
  body: string | null;
}

export interface BlockingRead {
  count: number;
  /** Longest time to block when nothing is there, ms; 0: answer at once with what is there (on Redis, without a blocking connection). */
  blockMs: number;
  /** Aborting ends the read at once with an empty result. */
  signal?: AbortSignal;
}
