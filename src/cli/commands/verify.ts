import type { Command } from 'commander';
import { NotFoundError } from '../../protocol/errors.js';
import type { Keyring } from '../../protocol/keyring.js';
import { signalSigningString, type UnsignedSignal } from '../../protocol/signal.js';
import { withStore } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { action } from '../io/fail.js';
import { cell, paint, printJson } from '../io/output.js';
import { readInbox } from '../inbox-reader.js';
import { envKeyring, storeFlags, type ReadFlags } from '../read-context.js';

/**
 * `rendezvous verify ID [--message M]`: the runbook's openssl check as one command, for every field
 * the signature covers (iteration, payload, idempotency key, seq, replaces), with both secrets of a
 * rotation, and the receiver, messageId and replay-window checks the receiver itself makes.
 */
/** The signing string of a stored body that parses, with its stored signature and the one this secret gives. */
function explain(body: string | undefined, keyring: Keyring): { signingString: string; stored: string; expected: string } | undefined {
  try {
    const fields = JSON.parse(body ?? 'null') as UnsignedSignal & { signature?: unknown };
    if (typeof fields !== 'object' || fields === null || typeof fields.senderId !== 'string') return undefined;
    const signingString = signalSigningString(fields);
    return { signingString, stored: typeof fields.signature === 'string' ? fields.signature.slice(0, 128) : '-', expected: keyring.sign(signingString) };
  } catch {
    return undefined;
  }
}

export function registerVerify(program: Command): void {
  storeFlags(
    program
      .command('verify')
      .argument('<id>', 'the receiving coordinator whose pending signals to verify')
      .description("verify the signatures of a coordinator's pending signals with BLOCKING_COORDINATION_SECRET (and _NEW during a rotation)")
      .option('--swarm <swarm>', 'its swarm (found from the registries when omitted)')
      .option('--message <messageId>', 'only this message'),
  )
    .addHelpText('after', '\nExit codes: 0 every signal verifies, 5 one does not (another secret, or a forgery), 2 no or short secret / bad flags, 3 unknown coordinator, empty inbox or unknown message, 4 Redis unreachable.')
    .action(
      action('verify', async (id: string, flags: ReadFlags & { swarm?: string; message?: string }) => {
        const keyring = envKeyring();
        const { bodies, ...doc } = await withStore(flags, (store) => readInbox(store, id, flags.swarm, keyring, false));
        const checked = flags.message === undefined ? doc.pending : doc.pending.filter((p) => p.messageId === flags.message);
        if (checked.length === 0) {
          throw new NotFoundError(flags.message === undefined ? `A pending signal for ${id} (its inbox is empty)` : `Message ${flags.message} in the inbox of ${id}`, { coordinatorId: id });
        }
        const ok = checked.every((p) => p.verified);
        if (flags.json) printJson({ swarmId: doc.swarmId, coordinatorId: id, ok, signals: checked });
        else {
          for (const p of checked) {
            process.stdout.write(`${cell(p.messageId)}  ${p.verified ? paint('signature OK', 'green') : paint(`MISMATCH (${p.reason})`, 'red')}\n`);
            // What the runbook's openssl recipe prints: the signing string, the stored and the expected HMAC.
            const shown = explain(bodies.get(p.entryId), keyring);
            if (shown) process.stdout.write(`  signing string: ${shown.signingString}\n  stored:         ${shown.stored}\n  expected:       ${shown.expected}\n`);
          }
        }
        return ok ? EXIT.OK : EXIT.REJECTED;
      }),
    );
}
