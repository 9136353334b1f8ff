import { Redis, type RedisOptions } from 'ioredis';
import { InvalidConfigError } from '../../protocol/errors.js';
import { redactUrl } from '../../protocol/redact.js';
import { parseNodeListUrl } from './node-list-url.js';

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
  if (!url.slice('redis+sentinel://'.length).includes('/')) refuse('names no master');
  const { nodes, username, password, path } = parseNodeListUrl(url, 'redis+sentinel', 'sentinel', refuse);
  const [masterName, db, ...extra] = path.split('/');
  if (!masterName || extra.length > 0 || (db !== undefined && db !== '' && !/^\d+$/.test(db))) refuse('has a path that is not /masterName[/db]');
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
