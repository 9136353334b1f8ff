import { setTimeout as delay } from 'node:timers/promises';
import type { Command } from 'commander';
import { InvalidConfigError } from '../../protocol/errors.js';
import { assertId } from '../../protocol/ids.js';
import type { FleetPush } from '../../store/port.js';
import { openStore } from '../context.js';
import { parseDuration } from '../io/duration.js';
import { action } from '../io/fail.js';
import { paint, printJson } from '../io/output.js';
import { readLeaders } from '../leaders-reader.js';
import { optionalKeyring, storeFlags, type ReadFlags } from '../read-context.js';
import { printCoordinators, readCoordinators } from '../coordinators-reader.js';

interface WatchFlags extends ReadFlags {
  swarm?: string;
  interval: string;
  frames?: string;
}

/** Events kept for the view: the newest. */
const EVENTS_SHOWN = 12;

export interface WatchEvent {
  /** Local ms when it was pushed (pushes carry no store time of their own beyond the entry's). */
  at: number;
  swarmId: string;
  coordinatorId: string;
  kind: 'signal' | 'ackNotice';
  entryId: string;
  /** The message it carries, as the body claims (unverified: a view, not a delivery). */
  messageId: string | null;
}

function toEvent(push: FleetPush): WatchEvent {
  const messageId = /"messageId":"([^"\\]{1,200})"/.exec(push.entry.body ?? '')?.[1] ?? null;
  return { at: Date.now(), swarmId: push.owner.swarmId, coordinatorId: push.owner.coordinatorId, kind: push.kind, entryId: push.entry.entryId, messageId };
}

/**
 * `rendezvous watch`: a live, top-like view (coordinators with their state and waits, the
 * leaders, the signals and ACKs pushed as they happen), redrawn every --interval. With --json
 * (or --frames), one JSON object per frame on its own line, for scripts.
 */
export function registerWatch(program: Command): void {
  storeFlags(
    program
      .command('watch')
      .description('a live view of coordinators (state, heartbeat age, what each waits for), leaders and the signals and ACKs pushed, redrawn every --interval; Ctrl-C to stop')
      .option('--swarm <swarm>', 'one swarm only')
      .option('--interval <duration>', 'redraw period: 500ms, 2s', '1s')
      .option('--frames <n>', 'stop after n frames (default: until Ctrl-C)'),
  )
    .addHelpText('after', '\n--json prints one line per frame: {"generatedAt","swarms","leaders","events"}.\nExit codes: 0 stopped (Ctrl-C, SIGTERM or --frames), 2 bad flags, 4 Redis unreachable.')
    .action(
      action('watch', async (flags: WatchFlags) => {
        if (flags.swarm !== undefined) assertId(flags.swarm, 'swarm id');
        const intervalMs = parseDuration(flags.interval, '--interval');
        if (intervalMs < 100) throw new InvalidConfigError('--interval must be at least 100ms');
        const frames = flags.frames === undefined ? Infinity : Number(flags.frames);
        if (!Number.isSafeInteger(frames) && frames !== Infinity) throw new InvalidConfigError(`--frames must be a whole number, got ${JSON.stringify(flags.frames)}`);
        if (frames < 1) throw new InvalidConfigError('--frames must be at least 1');

        const store = await openStore(flags);
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        const events: WatchEvent[] = [];
        const subscription = await store.watchPushes((push) => {
          if (flags.swarm !== undefined && push.owner.swarmId !== flags.swarm) return;
          events.push(toEvent(push));
          if (events.length > EVENTS_SHOWN) events.shift();
        });
        const live = process.stdout.isTTY === true && !flags.json;
        try {
          for (let frame = 0; frame < frames && !stop.signal.aborted; frame += 1) {
            const [doc, leaders] = await Promise.all([readCoordinators(store, flags.swarm), readLeaders(store, optionalKeyring())]);
            if (flags.json) printJson({ generatedAt: doc.generatedAt, swarms: doc.swarms, leaders, events });
            else {
              if (live) process.stdout.write('\u001b[H\u001b[2J');
              process.stdout.write(`${paint('rendezvous watch', 'bold')}  ${new Date(doc.generatedAt).toISOString()}  every ${flags.interval}${live ? '  (Ctrl-C to stop)' : ''}\n\n`);
              printCoordinators(doc.swarms);
              process.stdout.write(`\n${paint('leaders', 'bold')}: ${leaders.map((l) => `${l.namespace}=${l.leaderId ?? l.verdict}${l.epoch === null ? '' : `@${l.epoch}`}`).join('  ')}\n`);
              process.stdout.write(`\n${paint('events', 'bold')} (newest last)\n`);
              for (const e of events) process.stdout.write(`  ${new Date(e.at).toISOString().slice(11, 23)}  ${e.kind === 'signal' ? 'signal ->' : 'ack    ->'} ${e.swarmId}/${e.coordinatorId}  ${e.messageId ?? e.entryId}\n`);
            }
            if (frame + 1 < frames) await delay(intervalMs, undefined, { signal: stop.signal }).catch(() => undefined);
          }
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          await subscription.close();
          await store.close();
        }
      }),
    );
}
