import type { ClusterNode } from 'ioredis';
import { InvalidConfigError } from '../../protocol/errors.js';
import { redactUrl } from '../../protocol/redact.js';
import { parseNodeListUrl } from './node-list-url.js';

const FORM = 'redis+cluster://[user:password@]host:port[,host:port...]';

/** Whether a URL is the Cluster form. */
export const isClusterUrl = (url: string): boolean => url.startsWith('redis+cluster://');

/**
 * Reads `redis+cluster://[user:password@]host:port[,host:port...]`: seed nodes (any of the
 * cluster's nodes; the client learns the rest from them) and the credentials every node takes.
 * No database: a Cluster has only database 0. `name` is where the URL came from.
 */
export function parseClusterUrl(url: string, name: string): { nodes: ClusterNode[]; username?: string; password?: string } {
  const refuse = (problem: string): never => {
    const shown = redactUrl(url);
    throw new InvalidConfigError(`${name} ${problem}: expected ${FORM}; got ${JSON.stringify(shown)}`, { url: shown });
  };
  const { nodes, username, password, path } = parseNodeListUrl(url, 'redis+cluster', 'node', refuse);
  if (path !== '') refuse('has a path (a Cluster has only database 0)');
  return { nodes, ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}
