import type { Command } from 'commander';
import { decodeAck } from '../../protocol/ack.js';
import { NotFoundError } from '../../protocol/errors.js';
import { assertId } from '../../protocol/ids.js';
import { Keyring } from '../../protocol/keyring.js';
import { withStore } from '../context.js';
import { action } from '../io/fail.js';
import { cell, paint, printJson, printTable } from '../io/output.js';
import { parseMessageId } from '../message-id.js';
import { optionalKeyring, replayWindowMs, storeFlags, type ReadFlags } from '../read-context.js';

export interface AckView {
  swarmId: string;
  /** The coordinator that acknowledged (from the key; the record must name it too). */
  ackerId: string;
  status: string | null;
  timestamp: number | null;
  iteration: number | null;
  verified: boolean;
  reason: string | null;
  result?: unknown;
}

/** `rendezvous acks MESSAGE_ID`: every ACK recorded for one message (blocking:ack:{swarm}:acker:message), each verified. */
export function registerAcks(program: Command): void {
  storeFlags(
    program
      .command('acks')
      .argument('<messageId>', 'the message (senderId:type:timestamp, as `rendezvous inbox` shows it)')
      .description('the ACKs recorded for one message, each verified with BLOCKING_COORDINATION_SECRET: who acknowledged, status, result')
      .option('--swarm <swarm>', 'look in one swarm only')
      .option('--results', 'include verified results in --json (they may hold user data)'),
  )
    .addHelpText('after', '\nACKs live for the ACK TTL (1 h by default).\nExit codes: 0 listed, 2 bad message id or flags, 3 no ACK recorded (not yet, or expired), 4 Redis unreachable.')
    .action(
      action('acks', async (messageId: string, flags: ReadFlags & { swarm?: string; results?: boolean }) => {
        const { senderId } = parseMessageId(messageId);
        if (flags.swarm !== undefined) assertId(flags.swarm, 'swarm id');
        const keyring = optionalKeyring() ?? new Keyring(Buffer.alloc(0));
        const acks = await withStore(flags, async (store) => {
          // Ids and message ids hold no glob characters: the pattern matches this message only.
          const pattern = `blocking:ack:{${flags.swarm ?? '*'}}:*:${messageId}`;
          const found: string[] = [];
          for await (const batch of store.scanKeys(pattern, 500)) found.push(...batch);
          const bodies = await store.readStrings(found);
          return found.map((key, i): AckView => {
            const [, swarmId = '', ackerId = ''] = /^blocking:ack:\{([^}]+)\}:([^:]+):/.exec(key) ?? [];
            const decoded = decodeAck(bodies[i] ?? '', undefined, { keyring, senderId, replayWindowMs });
            const own = decoded.ok && decoded.value.coordinatorId === ackerId && decoded.value.messageId === messageId;
            const view: AckView = {
              swarmId,
              ackerId,
              status: decoded.ok ? decoded.value.status : null,
              timestamp: decoded.ok ? decoded.value.timestamp : null,
              iteration: decoded.ok ? (decoded.value.iteration ?? null) : null,
              verified: own,
              reason: decoded.ok ? (own ? null : 'not_its_key') : decoded.reason,
            };
            if (flags.results && own && decoded.value.result !== undefined) view.result = decoded.value.result;
            return view;
          });
        });
        if (acks.length === 0) throw new NotFoundError(`An ACK of ${messageId} (not acknowledged yet, or past the ACK TTL)`, { messageId });
        acks.sort((a, b) => a.ackerId.localeCompare(b.ackerId));
        if (flags.json) return printJson({ messageId, acks });
        printTable(['SWARM', 'ACKER', 'STATUS', 'ITER', 'VERIFIED'], acks.map((a) => [a.swarmId, a.ackerId, cell(a.status), cell(a.iteration), a.verified ? paint('yes', 'green') : paint(`no: ${a.reason}`, 'red')]));
      }),
    );
}
