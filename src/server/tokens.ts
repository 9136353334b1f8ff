import { createHash, timingSafeEqual } from 'node:crypto';

/** What a request's token grants. */
export type Access = 'none' | 'read' | 'write';

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * The daemon's API tokens. Compared as SHA-256 digests with timingSafeEqual: equal lengths
 * always, and no early exit that tells an attacker how much of a guess was right.
 */
export class Tokens {
  readonly #write: Buffer | undefined;
  readonly #read: Buffer | undefined;

  constructor(writeToken: string | undefined, readToken: string | undefined) {
    this.#write = writeToken === undefined ? undefined : digest(writeToken);
    this.#read = readToken === undefined ? undefined : digest(readToken);
  }

  /** Whether any token is configured (without one, /api is closed). */
  get configured(): boolean {
    return this.#write !== undefined || this.#read !== undefined;
  }

  /** What `token` grants. */
  accessOf(token: string | undefined): Access {
    if (token === undefined || token.length === 0) return 'none';
    const given = digest(token);
    // Both compared every time: the answer's timing does not tell which token matched.
    const write = this.#write !== undefined && timingSafeEqual(given, this.#write);
    const read = this.#read !== undefined && timingSafeEqual(given, this.#read);
    return write ? 'write' : read ? 'read' : 'none';
  }
}

/** The bearer token of an `Authorization` header, or undefined. */
export function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
