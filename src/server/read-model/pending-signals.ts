import type { Keyring } from '../../protocol/keyring.js';
import type { RejectionReason } from '../../protocol/rejection.js';
import { decodeSignal } from '../../protocol/signal.js';
import type { InboxRef, StreamEntry } from '../../store/port.js';

/** A signal waiting in an inbox, and whether it verifies with the daemon's keyring (the contract's `pending` item). */
export interface PendingSignal {
  entryId: string;
  messageId: string | null;
  type: string | null;
  senderId: string | null;
  timestamp: number | null;
  iteration: number | null;
  verified: boolean;
  reason: RejectionReason | null;
  /** Only when asked for (they may hold user data). */
  payload?: unknown;
}

export interface PendingCheck {
  keyring: Keyring;
  replayWindowMs: number;
  /** The coordinator this one replaces: signals addressed to it are this one's too. */
  replaces: string | null;
}

/** Each entry as a PendingSignal: verified as its receiver would (signature, receiver, messageId, replay window). */
export function describePending(owner: InboxRef, entries: readonly StreamEntry[], check: PendingCheck, withPayloads: boolean): PendingSignal[] {
  return entries.map((entry) => {
    const body = entry.body ?? '';
    const decoded = decodeSignal(body, entry.time, {
      keyring: check.keyring,
      receiverId: owner.coordinatorId,
      ...(check.replaces ? { replaces: check.replaces } : {}),
      replayWindowMs: check.replayWindowMs,
    });
    // A rejected body still says what it claims to be, when it parses: shown, marked unverified.
    const claimed = decoded.ok ? decoded.value : lenient(body);
    const item: PendingSignal = {
      entryId: entry.entryId,
      messageId: str(claimed.messageId),
      type: str(claimed.type),
      senderId: str(claimed.senderId),
      timestamp: num(claimed.timestamp),
      iteration: num(claimed.iteration),
      verified: decoded.ok,
      reason: decoded.ok ? null : decoded.reason,
    };
    if (withPayloads && decoded.ok && decoded.value.payload !== undefined) item.payload = decoded.value.payload;
    return item;
  });
}

function lenient(body: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length <= 256 ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
