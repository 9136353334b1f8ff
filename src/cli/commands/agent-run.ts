import type { Command } from 'commander';
import type { RunFlags } from '../agent/run-agent.js';
import { addAgentFlags } from '../agent/flags.js';
import { action } from '../io/fail.js';

/** `rendezvous agent run`: the agent process (src/cli/agent/run-agent.ts, loaded only here). */
export function registerAgentRun(agent: Command): void {
  addAgentFlags(agent.command('run'))
    .description("run the agent's coordinator in the foreground: heartbeats, its inbox, and a socket for the other agent commands; stops cleanly on SIGTERM or SIGINT")
    .option('--swarm <swarm>', 'its swarm (env RENDEZVOUS_SWARM)', process.env.RENDEZVOUS_SWARM || 'default')
    .option('--phase <phase>', 'the phase its heartbeat reports')
    .option('--iteration <n>', 'the iteration its heartbeat reports')
    .option('--redis-url <url>', 'Redis to use (env REDIS_URL)')
    .addHelpText('after', '\nPrints one JSON line {"ready":true,"id","swarm","socket","pid"} once it serves. The secret comes from BLOCKING_COORDINATION_SECRET; timings from HEARTBEAT_INTERVAL, HEARTBEAT_TTL, BLOCKING_TIMEOUT_MS.\nExit codes: 0 stopped by a signal, 2 configuration (bad id, no secret, an agent with this id already runs), 4 Redis unavailable.')
    .action(
      action('agent run', async (flags: RunFlags) => {
        const { runAgent } = await import('../agent/run-agent.js');
        return runAgent(flags);
      }),
    );
}
