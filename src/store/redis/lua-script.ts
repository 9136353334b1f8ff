import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

/**
 * A Lua script from a `.lua` file beside this one, called by SHA with a fallback to EVAL on
 * NOSCRIPT (a restarted or failed-over Redis has an empty script cache). Keys come first and
 * must share one hash slot.
 */
export class LuaScript {
  readonly name: string;
  readonly #source: string;
  readonly #sha: string;

  constructor(file: string) {
    this.name = file;
    this.#source = readFileSync(new URL(`./lua/${file}`, import.meta.url), 'utf8');
    this.#sha = createHash('sha1').update(this.#source).digest('hex');
  }

  async run(client: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.#source, keys.length, ...keys, ...args);
    }
  }
}

export const scripts = {
  appendSignal: new LuaScript('append-signal.lua'),
  ensureInbox: new LuaScript('ensure-inbox.lua'),
  discardEntry: new LuaScript('discard-entry.lua'),
  acknowledge: new LuaScript('acknowledge.lua'),
  ackSnapshot: new LuaScript('ack-snapshot.lua'),
  leaseAcquire: new LuaScript('lease-acquire.lua'),
  leaseRenew: new LuaScript('lease-renew.lua'),
  leaseRelease: new LuaScript('lease-release.lua'),
  leaseRead: new LuaScript('lease-read.lua'),
  workerTouch: new LuaScript('worker-touch.lua'),
  workerList: new LuaScript('worker-list.lua'),
  workerRemove: new LuaScript('worker-remove.lua'),
  fencedWrite: new LuaScript('fenced-write.lua'),
  putWork: new LuaScript('put-work.lua'),
  warn: new LuaScript('warn.lua'),
  clearWarning: new LuaScript('clear-warning.lua'),
  escalate: new LuaScript('escalate.lua'),
  markSpawned: new LuaScript('mark-spawned.lua'),
};
