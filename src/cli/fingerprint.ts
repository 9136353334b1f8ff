import { createHmac } from 'node:crypto';

/**
 * A secret's fingerprint: HMAC-SHA256 keyed by the secret over a fixed label, cut to 16 hex (64
 * bits). Equal secrets give equal fingerprints on every machine; it signs no message (no signing
 * string is that label), and of a random secret of 32 bytes or more it reveals nothing usable.
 */
export function fingerprint(secret: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update('rendezvous secret fingerprint v1').digest('hex').slice(0, 16);
}
