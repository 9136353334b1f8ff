#!/usr/bin/env node
/**
 * The `rendezvous` command line: a thin commander program; each command is registered from its
 * own file under commands/.
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../server/version.js';
import { registerAcks } from './commands/acks.js';
import { registerCleanup } from './commands/cleanup.js';
import { registerCollectDiagnostics } from './commands/collect-diagnostics.js';
import { registerCoordinators } from './commands/coordinators.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEscalate } from './commands/escalate.js';
import { registerInbox } from './commands/inbox.js';
import { registerLeaders } from './commands/leaders.js';
import { registerResend } from './commands/resend.js';
import { registerSecret } from './commands/secret.js';
import { registerServe } from './commands/serve.js';
import { registerVerify } from './commands/verify.js';
import { registerWatch } from './commands/watch.js';
import { EXIT } from './exit-codes.js';

const program = new Command('rendezvous')
  .description('Blocking coordination for multi-agent workflows: the daemon and operator commands.')
  .version(VERSION, '-V, --version')
  .showHelpAfterError()
  .exitOverride();

registerServe(program);
registerDoctor(program);
registerCoordinators(program);
registerInbox(program);
registerLeaders(program);
registerSecret(program);
registerVerify(program);
registerCleanup(program);
registerAcks(program);
registerResend(program);
registerEscalate(program);
registerCollectDiagnostics(program);
registerWatch(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; a usage error is a configuration error.
    process.exitCode = error.exitCode === 0 ? EXIT.OK : EXIT.CONFIG;
  } else {
    throw error;
  }
}
