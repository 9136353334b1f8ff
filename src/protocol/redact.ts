/**
 * Credentials never reach a log line or an error message: Redis URLs lose their password, the
 * arguments of commands that carry one are replaced, and errors are copied with both applied to
 * their message, stack, `command`, `cause` and nested errors. ioredis attaches the failed
 * command's arguments to its errors, so a wrong password is otherwise printed inside `AUTH`'s.
 */
export const REDACTED = '***';

/** How deep nested errors and objects are followed: a cycle (an error its own cause) ends here. */
const MAX_DEPTH = 8;

/** Query parameters that may hold a secret (ioredis reads every query parameter as an option). */
const SECRET_PARAM = /([?&][^=&#\s]*(?:pass|pwd|secret|token|auth|key)[^=&#\s]*=)[^&#\s]*/gi;

/** A URL-like token in free text: `scheme://` up to the next blank. */
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/\S*/gi;

/** Redis echoes an unknown command's first arguments; for these they may hold a password. */
const ECHOED_ARGS = /(unknown (?:sub)?command '(?:auth|hello|migrate|config|acl|sentinel)\b[^']*'.*?with args beginning with:).*/gi;

/**
 * A URL without its password: `redis://user:***@host`, `redis://***@host` (a lone userinfo is
 * a password to redis-cli), and secret-looking query values. Everything up to the last `@` counts
 * as userinfo, so a malformed URL (a password with an unencoded `/`, `?` or `#`) loses it too.
 */
export function redactUrl(url: string): string {
  const scheme = url.indexOf('://');
  const start = scheme < 0 ? 0 : scheme + 3;
  const at = url.lastIndexOf('@');
  let result = url;
  // `file:///…@scope/…` (a stack frame) has no authority, hence no userinfo.
  if (at >= start && url[start] !== '/') {
    const userinfo = url.slice(start, at);
    const colon = userinfo.indexOf(':');
    const kept = colon < 0 ? '' : `${userinfo.slice(0, colon)}:`;
    result = `${url.slice(0, start)}${kept}${REDACTED}${url.slice(at)}`;
  }
  return result.replace(SECRET_PARAM, `$1${REDACTED}`);
}

/** Free text (an error message, a stack) with every URL in it redacted and echoed AUTH-like arguments removed. */
export function redactText(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => redactUrl(url)).replace(ECHOED_ARGS, `$1 ${REDACTED}`);
}

/** An ioredis `command` (`{ name, args }`) with the arguments that carry a password replaced. */
export function redactCommand(command: unknown): unknown {
  if (!isRecord(command) || typeof command.name !== 'string' || !Array.isArray(command.args)) return command;
  const args: unknown[] = command.args;
  const redacted = redactArgs(command.name.toLowerCase(), args);
  return redacted.some((arg, i) => arg !== args[i]) ? { ...command, args: redacted } : command;
}

/** Which arguments of a command are secrets; every command not named here carries none. */
function redactArgs(name: string, args: unknown[]): unknown[] {
  const word = (i: number) => String(args[i] ?? '').toLowerCase();
  const out = [...args];
  const hide = (i: number) => {
    if (i < out.length) out[i] = REDACTED;
  };
  switch (name) {
    case 'auth': // AUTH [username] password
      hide(args.length - 1);
      break;
    case 'hello': // HELLO protover [AUTH username password] [SETNAME name]
    case 'migrate': // MIGRATE … [AUTH password | AUTH2 username password]
      for (let i = 0; i < args.length; i++) {
        if (word(i) === 'auth') hide(name === 'hello' ? i + 2 : i + 1);
        if (word(i) === 'auth2') hide(i + 2);
      }
      break;
    case 'config': // CONFIG SET requirepass x masterauth y …
      if (word(0) === 'set') for (let i = 1; i + 1 < args.length; i += 2) if (/pass|auth|secret/.test(word(i))) hide(i + 1);
      break;
    case 'acl': // ACL SETUSER name >password #sha256 …
      if (word(0) === 'setuser') for (let i = 2; i < args.length; i++) if (/^[<>#!]/.test(word(i))) hide(i);
      break;
    case 'sentinel': // SENTINEL SET master auth-pass x, SENTINEL CONFIG SET sentinel-pass x
      for (let i = 0; i < args.length; i++) if (/pass$/.test(word(i))) hide(i + 1);
      break;
    default:
      break;
  }
  return out;
}

/**
 * A value (an error, usually) safe to log or rethrow: an Error is copied, same prototype and
 * property attributes, with its message, stack, `command`, `cause` and nested errors redacted;
 * one with nothing to redact is returned as it is, so its identity is kept.
 */
export function redactError<T>(value: T): T {
  return redactValue(value, 0) as T;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items: unknown[] = value;
    const out = items.map((item) => redactValue(item, depth + 1));
    return out.some((item, i) => item !== items[i]) ? out : value;
  }
  if (!(value instanceof Error) && !isPlainObject(value)) return value; // a Buffer, a Map, a class instance: not ours to copy
  const changes = new Map<PropertyKey, unknown>();
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (!descriptor || !('value' in descriptor)) continue; // an accessor is left as it is
    const next = key === 'command' ? redactCommand(descriptor.value) : redactValue(descriptor.value, depth + 1);
    if (next !== descriptor.value) changes.set(key, next);
  }
  if (changes.size === 0) return value;
  const copy: object = Object.create(Object.getPrototypeOf(value) as object | null);
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    Object.defineProperty(copy, key, changes.has(key) ? { ...descriptor, value: changes.get(key) } : descriptor);
  }
  return copy;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
