import { InvalidConfigError } from '../../protocol/errors.js';
import { redactUrl } from '../../protocol/redact.js';

const FORM = 'redis://[user:password@]host:port[/db] (rediss:// for TLS)';

/**
 * Checks a Redis URL before ioredis reads it: ioredis throws a bare TypeError on what WHATWG URL
 * refuses, a URIError on a bad %-escape, and reads a database that is not a number as NaN.
 * `name` is where the URL came from (`url` or REDIS_URL), for the message, which shows the URL
 * without its password.
 */
export function checkRedisUrl(url: string, name: string): void {
  const refuse = (problem: string, hint: string): never => {
    const shown = redactUrl(url);
    throw new InvalidConfigError(`${name} ${problem}: ${hint}; got ${JSON.stringify(shown)}`, { url: shown });
  };
  if (!/^rediss?:\/\//.test(url)) refuse('must start with redis://, rediss://, redis+sentinel:// or redis+cluster://', `expected ${FORM}`);
  const authority = url.slice(url.indexOf('//') + 2).split(/[/?#]/, 1)[0]!;
  if (authority.slice(authority.lastIndexOf('@') + 1).includes(',')) {
    refuse('names several nodes', 'a redis:// URL names one server; for a Redis Cluster use redis+cluster://host:port,host:port (or `cluster: [{ host, port }, ...]`), for Sentinel redis+sentinel://host:port,host:port/masterName');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse('is not a valid URL', `expected ${FORM} with a port from 1 to 65535; percent-encode special characters in the password`);
  }
  if (parsed.hostname === '') refuse('names no host', `expected ${FORM}`);
  try {
    decodeURIComponent(parsed.username);
    decodeURIComponent(parsed.password);
  } catch {
    refuse('has a malformed %-escape in its user or password', 'percent-encode special characters (% as %25)');
  }
  if (!/^\/?(\d+)?$/.test(parsed.pathname)) refuse('has a path that is not a database number', `expected ${FORM}, db a number such as /0`);
}
