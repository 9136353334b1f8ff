import type { Command } from 'commander';
import { assertId } from '../../protocol/ids.js';
import { callDaemon, type ApiFlags } from '../daemon-client.js';
import { action } from '../io/fail.js';
import { printJson } from '../io/output.js';

/**
 * `rendezvous escalate ID --swarm S`: asks the daemon's supervisor to escalate now (POST
 * /api/coordinators/:swarm/:id/escalate), fenced by its term. Never done from here beside it: a
 * second escalating process is exactly what the seeds' systems got wrong. A daemon that does not
 * lead answers 409 (exit 6).
 */
export function registerEscalate(program: Command): void {
  program
    .command('escalate')
    .argument('<id>', 'the coordinator to escalate')
    .requiredOption('--swarm <swarm>', 'its swarm')
    .option('--api <url>', 'the leading daemon (env RENDEZVOUS_API_URL); its write token from RENDEZVOUS_API_TOKEN')
    .option('--json', 'as {"coordinatorId","replacementId","outcome"}')
    .description("escalate a coordinator now through the elected supervisor (a daemon's ops API): its work and unacknowledged signals move to a replacement, once")
    .addHelpText('after', '\nOutcomes: created (by this call), existing (escalated before: the same replacement).\nExit codes: 0 escalated, 2 bad flags / no daemon or token / token refused, 3 unknown coordinator, 4 daemon unreachable, 6 that daemon does not lead (run it against the leader: `rendezvous leaders`).')
    .action(
      action('escalate', async (id: string, flags: ApiFlags & { swarm: string; json?: boolean }) => {
        assertId(id, 'coordinator id');
        assertId(flags.swarm, 'swarm id');
        const result = (await callDaemon(flags, 'POST', `/api/coordinators/${flags.swarm}/${id}/escalate`, 'escalation goes through the elected supervisor, never beside it')) as { coordinatorId: string; replacementId: string; outcome: string };
        if (flags.json) return printJson(result);
        process.stdout.write(`${result.coordinatorId} escalated (${result.outcome}): replaced by ${result.replacementId}\n`);
      }),
    );
}
