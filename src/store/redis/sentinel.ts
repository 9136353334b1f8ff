import { Redis, type RedisOptions } from 'ioredis';
import { InvalidConfigError } from '../../protocol/errors.js';
import { redactUrl } from '../../protocol/redact.js';

/** A Redis Sentinel deployment: the sentinels to ask, and the name they monitor the master under. */
export interface SentinelOptions {
  /** At least one sentinel; ioredis asks them in turn for the current master. */
  nodes: { host: string; port: number }[];
  /** The master's name in the sentinels' configuration (`sentinel monitor <name> …`). */
  masterName: string;
  /** The sentinels' own password, when they have one (the master's is `password`). */
  sentinelPassword?: string;
}

const FORM = 'redis+sentinel://[user:password@]host:port[,host:port...]/masterName[/db]';

/** Whether a URL is the Sentinel form. */
export const isSentinelUrl = (url: string): boolean => url.startsWith('redis+sentinel://');

/**
 * Reads `redis+sentinel://[user:password@]host:port[,host:port...]/masterName[/db]`: the sentinels,
 * the master's name, and the master's credentials and database. `name` is where the URL came from.
 */
export function parseSentinelUrl(url: string, name: string): { sentinel: SentinelOptions; username?: string; password?: string; db?: number } {
  const refuse = (problem: string): never => {
    const shown = redactUrl(url);
    throw new InvalidConfigError(`${name} ${problem}: expected ${FORM}; got ${JSON.stringify(shown)}`, { url: shown });
  };
  const rest = url.slice('redis+sentinel://'.length);
  const slash = rest.indexOf('/');
  if (slash < 0) refuse('names no master');
  // An '@' after the first '/' is a password with an unencoded '/': its pieces would be shown as a sentinel or master name.
  if (rest.indexOf('@', slash) >= 0) refuse("has an '@' after its first '/' (percent-encode '/' as %2F and '@' as %40 in a user or password)");
  const authority = rest.slice(0, slash);
  const [masterName, db, ...extra] = rest.slice(slash + 1).split('/');
  if (!masterName || extra.length > 0 || (db !== undefined && db !== '' && !/^\d+$/.test(db))) refuse('has a path that is not /masterName[/db]');
  const at = authority.lastIndexOf('@');
  const credentials = at < 0 ? '' : authority.slice(0, at);
  const nodes = authority.slice(at + 1).split(',').map((hostPort) => {
    const match = /^([^:]+):(\d{1,5})$/.exec(hostPort);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65_535) return refuse(`has a sentinel that is not host:port (${JSON.stringify(hostPort)})`);
    return { host: match[1]!, port };
  });
  let username: string | undefined;
  let password: string | undefined;
  if (credentials !== '') {
    const colon = credentials.indexOf(':');
    try {
      username = decodeURIComponent(colon < 0 ? credentials : credentials.slice(0, colon)) || undefined;
      password = colon < 0 ? undefined : decodeURIComponent(credentials.slice(colon + 1));
    } catch {
      refuse('has a malformed %-escape in its user or password');
    }
  }
  return {
    sentinel: { nodes, masterName: decodeURIComponent(masterName!) },
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(db !== undefined && db !== '' ? { db: Number(db) } : {}),
  };
}

/**
 * A client of the master a Sentinel group names. `failoverDetector` has ioredis follow the
 * sentinels' `+switch-master` at once, instead of keeping on writing to a demoted master until
 * its connection breaks. (A switch it never heard shows as READONLY replies: demoted-server.ts.)
 */
export function sentinelClient(sentinel: SentinelOptions, base: RedisOptions): Redis {
  if (sentinel.nodes.length === 0) throw new InvalidConfigError('`sentinel.nodes` names no sentinel');
  return new Redis({
    ...base,
    sentinels: sentinel.nodes,
    name: sentinel.masterName,
    role: 'master',
    failoverDetector: true,
    ...(sentinel.sentinelPassword !== undefined ? { sentinelPassword: sentinel.sentinelPassword } : {}),
  });
}
