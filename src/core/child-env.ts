import { InvalidConfigError } from '../protocol/errors.js';

/**
 * What every process Rendezvous starts (a hook, a replacement coordinator) gets from this
 * process's environment: where to find commands, the home directory, the locale and time zone,
 * the temporary directory. Nothing else is inherited: a secret, a password or a URL with
 * credentials must never reach a shell command.
 */
export const CHILD_BASE_VARIABLES = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'] as const;

/** Names that hold secrets by convention: never passed to a hook, even when listed. */
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL|PRIVATE_KEY|API_KEY/i;

/** Whether a variable's name says it holds a secret (BLOCKING_COORDINATION_SECRET, REDIS_PASSWORD, ...). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** `scheme://user:password@host` -> `scheme://host`: a URL passed on keeps its address, never its credentials. */
export function withoutCredentials(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i, '$1');
}

/** Refuses (InvalidConfigError) a variable list that names a secret: hooks run operator-written shell commands. */
export function assertNoSecretNames(names: readonly string[], option: string): void {
  const secret = names.filter(isSecretName);
  if (secret.length > 0) throw new InvalidConfigError(`${option} must not pass secrets to a shell command: ${secret.join(', ')}`, { option, names: secret });
}

/**
 * The environment of a child process: the base variables of `base` (this process's own), the
 * variables listed in `pass` taken from `from` (URLs without their credentials), then `extra`.
 */
export function childEnv(options: { base?: NodeJS.ProcessEnv; pass?: readonly string[]; from?: NodeJS.ProcessEnv; extra?: NodeJS.ProcessEnv } = {}): NodeJS.ProcessEnv {
  const base = options.base ?? process.env;
  const env: NodeJS.ProcessEnv = {};
  for (const name of CHILD_BASE_VARIABLES) if (base[name] !== undefined) env[name] = base[name];
  const from = options.from ?? process.env;
  for (const name of options.pass ?? []) if (from[name] !== undefined) env[name] = withoutCredentials(from[name]);
  return { ...env, ...options.extra };
}
