import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

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
  /** Key objects made once: an HMAC keyed by one skips importing the key on every message. */
  readonly #primary: KeyObject;
  /** The primary first, then the verify-only keys: the order verify() tries them. */
  readonly #verifying: readonly KeyObject[];

  constructor(primary: Buffer, verifyOnly: readonly Buffer[] = []) {
    this.#primary = createSecretKey(primary);
    this.#verifying = [this.#primary, ...verifyOnly.map((key) => createSecretKey(key))];
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
    for (const key of this.#verifying) {
      const expected = createHmac('sha256', key).update(data, 'utf8').digest();
      if (received.length === expected.length && timingSafeEqual(received, expected)) return 'ok';
    }
    return 'bad_signature';
  }
}
