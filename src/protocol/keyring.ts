import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a signature did not verify. `ok` when it did. */
export type SignatureVerdict = 'ok' | 'unsigned' | 'signature_length' | 'bad_signature';

/** Lower-case hex only, as `digest('hex')` and openssl print it: one message has one valid signature string. */
const HEX_SIGNATURE = /^[0-9a-f]*$/;
const SIGNATURE_HEX_LENGTH = 64;
/** Shortest signing secret, bytes: HMAC-SHA256's own block of entropy. */
export const MIN_SECRET_BYTES = 32;

/**
 * HMAC-SHA256 keys for signing and verifying. The primary key signs and verifies; the
 * additional keys (BLOCKING_COORDINATION_SECRET_NEW during a rotation) only verify.
 */
export class Keyring {
  readonly #primary: Buffer;
  readonly #verifyOnly: readonly Buffer[];

  constructor(primary: Buffer, verifyOnly: readonly Buffer[] = []) {
    this.#primary = primary;
    this.#verifyOnly = verifyOnly;
  }

  /** Hex HMAC-SHA256 of `data` with the primary key (what `openssl dgst -sha256 -hmac` prints). */
  sign(data: string): string {
    return createHmac('sha256', this.#primary).update(data, 'utf8').digest('hex');
  }

  /** Never throws: a missing, short, long or non-hex signature is a verdict, not an exception. */
  verify(data: string, signature: unknown): SignatureVerdict {
    if (typeof signature !== 'string' || signature.length === 0) return 'unsigned';
    if (signature.length !== SIGNATURE_HEX_LENGTH) return 'signature_length';
    if (!HEX_SIGNATURE.test(signature)) return 'bad_signature';
    const received = Buffer.from(signature, 'hex');
    for (const key of [this.#primary, ...this.#verifyOnly]) {
      const expected = createHmac('sha256', key).update(data, 'utf8').digest();
      if (received.length === expected.length && timingSafeEqual(received, expected)) return 'ok';
    }
    return 'bad_signature';
  }
}
