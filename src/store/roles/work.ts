import type { StoreBase } from './base.js';
import type { InboxRef } from './common.js';

/** A coordinator's work items (moved to its replacement by an escalation). */
export interface WorkStore extends StoreBase {
  /** Records (or replaces) one work item of a coordinator. */
  putWork(owner: InboxRef, taskId: string, body: string, ttlMs: number): Promise<void>;

  /** A coordinator's work items: task id -> body. */
  listWork(owner: InboxRef): Promise<Map<string, string>>;
}
