import { randomBytes } from 'node:crypto';
import { SecretMissingError, SecretTooShortError } from '../protocol/errors.js';
import { Keyring, MIN_SECRET_BYTES } from '../protocol/keyring.js';
import type { Logger } from '../protocol/logger.js';
import { readEnvVariable, type EnvBinding } from '../protocol/options.js';

/** RENDEZVOUS_DEV_SECRET=1 (or true): development without a secret; any other value but 0/false is refused. */
const DEV_SECRET: EnvBinding = { variable: 'RENDEZVOUS_DEV_SECRET', unit: 'boolean' };

export interface SecretOptions {
  /** Signs and verifies. Default: BLOCKING_COORDINATION_SECRET. */
  secret?: string | Buffer;
  /** Verifies only, during a rotation. Default: BLOCKING_COORDINATION_SECRET_NEW. */
  secretNew?: string | Buffer;
  /** Development only: without a secret, use one generated for this process (logged loudly). Also RENDEZVOUS_DEV_SECRET=1. */
  allowGeneratedSecret?: boolean;
}

/** The keyring in use, replaced whole by a rotation: a coordinator's parts read `current` each time. */
export interface KeyringSlot {
  current: Keyring;
}

/** One generated secret per process, so every coordinator of a development process can talk. */
let generated: Buffer | undefined;

function toKey(value: string | Buffer, which: string): Buffer {
  const key = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  if (key.length < MIN_SECRET_BYTES) throw new SecretTooShortError(which, key.length, MIN_SECRET_BYTES);
  return key;
}

/** Builds the keyring, refusing a missing or short secret unless development mode is explicit. */
export function resolveKeyring(options: SecretOptions, env: NodeJS.ProcessEnv, logger: Logger): Keyring {
  const primary = options.secret ?? (env.BLOCKING_COORDINATION_SECRET || undefined);
  const extra = options.secretNew ?? (env.BLOCKING_COORDINATION_SECRET_NEW || undefined);
  const verifyOnly = extra === undefined ? [] : [toKey(extra, 'BLOCKING_COORDINATION_SECRET_NEW')];
  if (primary !== undefined) return new Keyring(toKey(primary, 'BLOCKING_COORDINATION_SECRET'), verifyOnly);

  if (!(options.allowGeneratedSecret || readEnvVariable(env, DEV_SECRET) === true)) throw new SecretMissingError();
  generated ??= randomBytes(32);
  logger.warn(
    { devSecret: true },
    '!!! NO SIGNING SECRET: using a random secret generated for this process (development mode). ' +
      'Coordinators in other processes cannot verify these signals. Never run production like this: ' +
      'set BLOCKING_COORDINATION_SECRET (openssl rand -hex 32). !!!',
  );
  return new Keyring(generated, verifyOnly);
}
