/**
 * Which file registers each top-level command, loaded on demand: a command run loads its own
 * module graph only (read commands run in agents' loops, and every import costs start-up time);
 * `--help` and an unknown command load them all.
 */
import type { Command } from 'commander';

type Register = (program: Command) => void;

export const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  serve: async () => (await import('./commands/serve.js')).registerServe,
  agent: async () => (await import('./commands/agent.js')).registerAgent,
  doctor: async () => (await import('./commands/doctor.js')).registerDoctor,
  coordinators: async () => (await import('./commands/coordinators.js')).registerCoordinators,
  inbox: async () => (await import('./commands/inbox.js')).registerInbox,
  leaders: async () => (await import('./commands/leaders.js')).registerLeaders,
  secret: async () => (await import('./commands/secret.js')).registerSecret,
  verify: async () => (await import('./commands/verify.js')).registerVerify,
  cleanup: async () => (await import('./commands/cleanup.js')).registerCleanup,
  acks: async () => (await import('./commands/acks.js')).registerAcks,
  resend: async () => (await import('./commands/resend.js')).registerResend,
  escalate: async () => (await import('./commands/escalate.js')).registerEscalate,
  'collect-diagnostics': async () => (await import('./commands/collect-diagnostics.js')).registerCollectDiagnostics,
  watch: async () => (await import('./commands/watch.js')).registerWatch,
};

/** Registers the command `argv` names (the first word after the options of node and the script), or every one. */
export async function registerCommands(program: Command, argv: readonly string[]): Promise<void> {
  const name = argv.slice(2).find((arg) => !arg.startsWith('-'));
  const chosen = name !== undefined && name in COMMANDS ? [name] : Object.keys(COMMANDS);
  for (const register of await Promise.all(chosen.map((n) => COMMANDS[n]!()))) register(program);
}
