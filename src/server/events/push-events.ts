import type { FleetPush } from '../../store/port.js';
import type { DaemonEvent } from './event-hub.js';

/**
 * A push seen on the pattern subscription as a `signal` or `ack` event. Bodies are read for the
 * fields the feed shows only (never the payload); what does not parse is not shown.
 */
export function pushEvent(push: FleetPush, at: number): DaemonEvent | undefined {
  const body = record(push.entry.body);
  if (!body) return undefined;
  const { swarmId, coordinatorId } = push.owner;
  if (push.kind === 'signal') {
    const timestamp = typeof body.timestamp === 'number' ? body.timestamp : undefined;
    return {
      type: 'signal',
      at,
      swarmId,
      to: coordinatorId,
      from: text(body.senderId),
      messageId: text(body.messageId),
      signalType: text(body.type),
      // Both times are the store's clock: its append time and the sender's signing time.
      latencyMs: timestamp === undefined ? null : Math.max(0, push.entry.time - timestamp),
    };
  }
  // An ACK notice is pushed to the signal's sender: `to` is that sender, `from` the acknowledger.
  return { type: 'ack', at, swarmId, to: coordinatorId, from: text(body.coordinatorId), messageId: text(body.messageId) };
}

function record(body: string | null): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body ?? 'null');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.length <= 256 ? value : null);
