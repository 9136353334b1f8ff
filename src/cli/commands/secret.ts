import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { fingerprint } from '../fingerprint.js';
import { action } from '../io/fail.js';
import { printJson } from '../io/output.js';
import { SecretMissingError, SecretTooShortError } from '../../protocol/errors.js';
import { MIN_SECRET_BYTES } from '../../protocol/keyring.js';

/** `rendezvous secret generate | fingerprint`. */
export function registerSecret(program: Command): void {
  const secret = program.command('secret').description('signing secrets: generate one, or fingerprint the ones set');
  secret
    .command('generate')
    .description('print a new random secret (32 bytes, hex): set it as BLOCKING_COORDINATION_SECRET on every machine')
    .option('--json', 'as {"secret","fingerprint"}')
    .action(
      action('secret generate', async (flags: { json?: boolean }) => {
        const value = randomBytes(32).toString('hex');
        if (flags.json) printJson({ secret: value, fingerprint: fingerprint(value) });
        else process.stdout.write(`${value}\n`);
      }),
    );
  secret
    .command('fingerprint')
    .description('fingerprints of BLOCKING_COORDINATION_SECRET and _NEW: compare them across machines without revealing the secrets')
    .option('--json', 'as {"secret":{"fingerprint","bytes"},"secretNew":...}')
    .addHelpText('after', '\nExit codes: 0 printed, 2 secret missing or shorter than 32 bytes.')
    .action(
      action('secret fingerprint', async (flags: { json?: boolean }) => {
        const entries = (['BLOCKING_COORDINATION_SECRET', 'BLOCKING_COORDINATION_SECRET_NEW'] as const).flatMap((name) => {
          const value = process.env[name];
          if (!value) return [];
          const bytes = Buffer.byteLength(value, 'utf8');
          if (bytes < MIN_SECRET_BYTES) throw new SecretTooShortError(name, bytes, MIN_SECRET_BYTES);
          return [{ name, fingerprint: fingerprint(value), bytes }];
        });
        if (!entries.some((e) => e.name === 'BLOCKING_COORDINATION_SECRET')) throw new SecretMissingError();
        if (flags.json) printJson(Object.fromEntries(entries.map((e) => [e.name === 'BLOCKING_COORDINATION_SECRET' ? 'secret' : 'secretNew', { fingerprint: e.fingerprint, bytes: e.bytes }])));
        else for (const e of entries) process.stdout.write(`${e.name}  ${e.fingerprint}  (${e.bytes} bytes)\n`);
      }),
    );
}
