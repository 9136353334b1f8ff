import { entryTime } from './entry-id.js';
import type { InboxRef, PushListener, StreamEntry } from './port.js';
import type { FleetPush } from './roles/inbox-view.js';

/**
 * Push messages on a coordinator's channel (keys.push), written by the stores' append and ACK
 * operations (Redis: in the same Lua script as the XADD, so a push never precedes its entry):
 *   `s <entry id> <body>`  an entry appended to its inbox
 *   `a <entry id> <body>`  an entry appended to its ACK notice stream
 *   `r`                    entries were added out of band: read the streams again
 */
export const PUSH_SIGNAL = 's';
export const PUSH_ACK_NOTICE = 'a';
export const PUSH_RESYNC = 'r';

export function pushMessage(kind: typeof PUSH_SIGNAL | typeof PUSH_ACK_NOTICE, entryId: string, body: string): string {
  return `${kind} ${entryId} ${body}`;
}

/**
 * A copy of a short piece of a message: V8 keeps a whole string alive for as long as any slice of
 * it lives, so an entry id kept in a window of settled ids would otherwise pin its whole message
 * (64 KB signals: 66 MB held after 1,200 of them).
 */
export function detached(piece: string): string {
  return Buffer.from(piece, 'latin1').toString('latin1');
}

/** Hands one push message to a listener; anything unrecognised asks it to read the streams (nothing is lost that way). */
export function deliverPush(listener: PushListener, message: string): void {
  const kind = message.slice(0, 2);
  const idEnd = message.indexOf(' ', 2);
  if ((kind === 's ' || kind === 'a ') && idEnd > 2) {
    const id = detached(message.slice(2, idEnd));
    const entry: StreamEntry = { entryId: id, time: entryTime(id), body: message.slice(idEnd + 1) };
    if (Number.isFinite(entry.time)) {
      if (kind === 's ') listener.signal?.(entry);
      else listener.ackNotice?.(entry);
      return;
    }
  }
  listener.resync();
}

/**
 * What the body of a signal's inbox entry contains (its messageId field, as the signal's JSON
 * writes it): an ACK removes the entry it names only when the entry holds this, so an entry id
 * taken from a forged push cannot make an ACK remove another signal's entry.
 */
export const entryNeedle = (messageId: string): string => `"messageId":${JSON.stringify(messageId)}`;

/** A push message read off a pattern subscription, with the channel's owner; undefined for resyncs and anything unrecognised. */
export function fleetPushOf(owner: InboxRef, message: string): FleetPush | undefined {
  let push: FleetPush | undefined;
  deliverPush(
    {
      signal: (entry) => (push = { owner, kind: 'signal', entry }),
      ackNotice: (entry) => (push = { owner, kind: 'ackNotice', entry }),
      resync: () => undefined,
    },
    message,
  );
  return push;
}
