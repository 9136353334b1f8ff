#!/usr/bin/env node
/**
 * The `rendezvous` command line: a thin commander program; each command is registered from its
 * own file under commands/, loaded only when run (command-registry.ts).
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../server/version.js';
import { registerCommands } from './command-registry.js';
import { EXIT } from './exit-codes.js';
import { endQuietlyOnClosedPipe } from './io/output.js';

endQuietlyOnClosedPipe();

const program = new Command('rendezvous')
  .description('Blocking coordination for multi-agent workflows: the daemon and operator commands.')
  .version(VERSION, '-V, --version')
  .showHelpAfterError()
  .exitOverride();

await registerCommands(program, process.argv);

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
// A command that failed is done: ioredis keeps its connect timer (up to 2 s) after a refused
// connection, and a caller retrying in a loop must not wait for it. Success exits on its own, so a
// handle left open there still shows.
if (process.exitCode !== undefined && process.exitCode !== EXIT.OK) process.exit();
