/** Shared fixtures for the protocol tests (not a test file itself). */
import { Keyring } from '../../src/protocol/keyring.js';

/** 32-byte secrets, as the runbooks generate them (`openssl rand -hex 16` gives 32 characters). */
export const SECRET_A = 'a'.repeat(16) + '0123456789abcdef';
export const SECRET_B = 'b'.repeat(16) + 'fedcba9876543210';

export const keyringA = (): Keyring => new Keyring(Buffer.from(SECRET_A, 'utf8'));
export const keyringB = (): Keyring => new Keyring(Buffer.from(SECRET_B, 'utf8'));

/** A fixed-seed PRNG (mulberry32) so fuzz tests are deterministic. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(rand: () => number, maxExclusive: number): number {
  return Math.floor(rand() * maxExclusive);
}

export function pick<T>(rand: () => number, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[randomInt(rand, items.length)] as T;
}

const CHARS = 'abcdefABCDEF0123456789:{}[]",.-_ \\/\n\t*?éü漢🙂nulltrue';

export function randomString(rand: () => number, maxLength = 40): string {
  const length = randomInt(rand, maxLength + 1);
  let text = '';
  for (let i = 0; i < length; i++) text += CHARS[randomInt(rand, CHARS.length)];
  return text;
}

/** A random JSON-able value, nested up to `depth`. */
export function randomJson(rand: () => number, depth = 3): unknown {
  const kind = randomInt(rand, depth > 0 ? 8 : 6);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return randomInt(rand, 2_000_000) - 1_000_000;
    case 3:
      return (rand() - 0.5) * 1e6;
    case 4:
    case 5:
      return randomString(rand, 20);
    case 6: {
      const length = randomInt(rand, 5);
      return Array.from({ length }, () => randomJson(rand, depth - 1));
    }
    default: {
      const out: Record<string, unknown> = {};
      const count = randomInt(rand, 6);
      for (let i = 0; i < count; i++) out[randomString(rand, 10)] = randomJson(rand, depth - 1);
      return out;
    }
  }
}

/** Flips one hex character of a signature to another hex character. */
export function flipHexChar(signature: string, index: number): string {
  const c = signature[index];
  if (c === undefined) throw new Error('index out of range');
  const replacement = c === '0' ? '1' : '0';
  return signature.slice(0, index) + replacement + signature.slice(index + 1);
}
