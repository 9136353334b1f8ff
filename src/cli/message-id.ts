/** The message ids the library derives: `senderId:type:timestamp[.seq]` (protocol/signal.ts deriveMessageId). */
import { InvalidConfigError } from '../protocol/errors.js';

const MESSAGE_ID = /^([A-Za-z0-9_.-]{1,64}):([A-Za-z0-9_.-]{1,64}):(\d{1,16})(?:\.(\d{1,9}))?$/;

/** The sender and type a message id names; a configuration error (before any I/O) for anything else. */
export function parseMessageId(messageId: string): { senderId: string; type: string } {
  const match = MESSAGE_ID.exec(messageId);
  if (!match) throw new InvalidConfigError(`${JSON.stringify(messageId)} is not a message id (senderId:type:timestamp, as \`rendezvous inbox\` shows it)`);
  return { senderId: match[1]!, type: match[2]! };
}
