/**
 * `rendezvous agent run`: one BlockingCoordinator for the agent's id, heartbeating for as long as
 * the process runs, serving the other agent commands on its socket until SIGTERM or SIGINT, then
 * stopping cleanly (the heartbeat and registry entry removed, unacknowledged signals left in the inbox).
 */
import { BlockingCoordinator } from '../../core/coordinator.js';
import { assertId } from '../../protocol/ids.js';
import { openStore } from '../context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { parseCount } from '../io/json-arg.js';
import { printJson } from '../io/output.js';
import type { AgentFlags } from './flags.js';
import { resolveAgent } from './flags.js';
import { listenAgent, type AgentServer } from './server.js';
import { AgentSession } from './session.js';

export interface RunFlags extends AgentFlags {
  swarm: string;
  phase?: string;
  iteration?: string;
  redisUrl?: string;
}

export async function runAgent(flags: RunFlags): Promise<ExitCode> {
  const { id, socket } = resolveAgent(flags);
  assertId(flags.swarm, 'swarm id');
  const iteration = flags.iteration === undefined ? undefined : parseCount(flags.iteration, '--iteration');
  // Listened for from the start: a SIGTERM while starting still stops cleanly.
  const stopping = stopSignal();
  const store = await openStore(flags);
  let server: AgentServer | undefined;
  let coordinator: BlockingCoordinator | undefined;
  try {
    coordinator = new BlockingCoordinator({ id, swarmId: flags.swarm, store });
    const session = new AgentSession(coordinator);
    let begin!: () => void;
    const started = new Promise<void>((resolve) => (begin = resolve));
    server = await listenAgent(id, socket, session, started);
    const starting = coordinator.start();
    starting.catch(() => undefined); // when a stop signal wins the race, the stop ends it
    if ((await Promise.race([starting.then(() => 'started' as const), stopping])) === 'started') {
      coordinator.setProgress({ ...(iteration === undefined ? {} : { iteration }), ...(flags.phase ? { phase: flags.phase } : {}) });
      begin();
      printJson({ ready: true, id, swarm: flags.swarm, socket, pid: process.pid });
    }
    const name = await stopping;
    process.stderr.write(`rendezvous agent run: ${name}: stopping ${id}\n`);
    return EXIT.OK;
  } finally {
    // The coordinator first: its stop ends the waits in progress, whose callers get that answer.
    await coordinator?.stop();
    await server?.close();
    await store.close();
    // A caller that never reads its answer must not hold the process.
    setTimeout(() => process.exit(process.exitCode ?? EXIT.FAILURE), 5_000).unref();
  }
}

function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (name: NodeJS.Signals) => {
      // A second signal while stopping: leave now.
      process.once('SIGTERM', () => process.exit(EXIT.FAILURE));
      process.once('SIGINT', () => process.exit(EXIT.FAILURE));
      resolve(name);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
