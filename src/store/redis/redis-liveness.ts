import { decodeActivity } from '../../protocol/activity.js';
import { keys } from '../../protocol/keys.js';
import type { Operations } from '../roles/base.js';
import type { InboxRef } from '../roles/common.js';
import type { HeartbeatWrite, LivenessStore, RegistryEntry, StoredHeartbeat } from '../roles/liveness.js';
import { CallBatch } from './call-batch.js';
import type { RedisContext } from './redis-context.js';

/** Registry entries read per ZRANGE, so a big swarm never holds Redis long. */
const REGISTRY_PAGE = 1_000;
const ignore = (): void => undefined;

/**
 * Heartbeats, swarm registries and reported activity on Redis: single-key commands (a heartbeat
 * key and its swarm registry live in different slots), the heartbeats of one process sent together.
 */
export class RedisLiveness implements Operations<LivenessStore> {
  readonly #redis: RedisContext;
  /**
   * The beats (first beats too) of one turn in one write: the heartbeat pump sends a chunk of the
   * fleet's beats at once, and a fleet's starts (its first beats) run 64 at a time (start-gate.ts).
   */
  readonly #beats: CallBatch<HeartbeatWrite, true>;
  readonly #beatFailed = (error: unknown): never => {
    throw this.#redis.typedError('beat', error);
  };

  constructor(redis: RedisContext) {
    this.#redis = redis;
    this.#beats = new CallBatch((batch) => redis.call('beat', () => this.#beatBatch(batch)), () => 'all');
  }

  beat(hb: HeartbeatWrite): Promise<void> {
    return this.#beats.add(hb).then(ignore, this.#beatFailed);
  }

  register(hb: HeartbeatWrite): Promise<void> {
    return this.beat(hb);
  }

  deregister(swarmId: string, coordinatorId: string): Promise<void> {
    const { client } = this.#redis;
    return this.#redis.call('deregister', async () => {
      await Promise.all([client.del(keys.heartbeat(coordinatorId)), client.zrem(keys.registry(swarmId), coordinatorId)]);
    });
  }

  getHeartbeat(coordinatorId: string): Promise<StoredHeartbeat | null> {
    const { client } = this.#redis;
    return this.#redis.call('getHeartbeat', async () => {
      const key = keys.heartbeat(coordinatorId);
      const [body, ttlMs] = await Promise.all([client.get(key), client.pttl(key)]);
      return body === null || ttlMs < 0 ? null : { body, ttlMs };
    });
  }

  /** The whole registry, a page of REGISTRY_PAGE at a time. */
  listRegistry(swarmId: string): Promise<RegistryEntry[]> {
    return this.#redis.call('listRegistry', async () => {
      const out: RegistryEntry[] = [];
      for (let start = 0; ; start += REGISTRY_PAGE) {
        const flat = await this.#redis.client.zrange(keys.registry(swarmId), start, start + REGISTRY_PAGE - 1, 'WITHSCORES');
        for (let i = 0; i + 1 < flat.length; i += 2) out.push({ coordinatorId: flat[i]!, lastSeen: Number(flat[i + 1]) });
        if (flat.length < 2 * REGISTRY_PAGE) return out;
      }
    });
  }

  /**
   * Single-key commands sent together, as a heartbeat's (no invariant spans them; the swarm set is
   * in another slot): the record, the registry entry raised to its time (never lowered below a
   * heartbeat's), the registry's lifetime set if it had none or extended, and the swarm listed.
   */
  async recordActivity(owner: InboxRef, body: string, ttlMs: number): Promise<void> {
    const { timestamp } = decodeActivity(body);
    await this.#redis.call('recordActivity', async () => {
      const registry = keys.registry(owner.swarmId);
      const ttl = String(ttlMs);
      await this.#redis.sendTogether([
        ['set', keys.activity(owner.swarmId, owner.coordinatorId), body, 'PX', ttl],
        ['zadd', registry, 'GT', String(timestamp), owner.coordinatorId],
        ['pexpire', registry, ttl, 'NX'],
        ['pexpire', registry, ttl, 'GT'],
        ['sadd', keys.swarms(), owner.swarmId],
      ]);
    });
  }

  /**
   * The heartbeats of one write, sent together: a SET each, and per swarm one ZADD of all its
   * members, one PEXPIRE of its registry and one SADD to the swarm set (1,000 coordinators
   * beating: about 200 commands/s instead of 600).
   */
  async #beatBatch(batch: HeartbeatWrite[]): Promise<unknown[]> {
    const failed = Symbol('failed');
    const bySwarm = new Map<string, HeartbeatWrite[]>();
    for (const hb of batch) {
      const beats = bySwarm.get(hb.swarmId);
      if (beats) beats.push(hb);
      else bySwarm.set(hb.swarmId, [hb]);
    }
    const registries = [...bySwarm].flatMap(([swarmId, beats]) => {
      const registry = keys.registry(swarmId);
      return [
        ['zadd', registry, ...beats.flatMap((hb) => [String(hb.timestamp), hb.coordinatorId])],
        // The last beat's lifetime, as when each beat refreshed it in turn.
        ['pexpire', registry, String(beats.at(-1)!.registryTtlMs)],
        ['sadd', keys.swarms(), swarmId],
      ];
    });
    const sets = batch.map((hb) => ['set', keys.heartbeat(hb.coordinatorId), hb.body, 'PX', String(hb.ttlMs)]);
    const replies = await this.#redis.sendTogether([...sets, ...registries], failed);
    const perSwarm = 3;
    const swarms = [...bySwarm.keys()];
    // The registry's ZADD and PEXPIRE decide the beat; a failed SADD (the swarm set's node down) is only logged: the next beat lists the swarm again.
    const registryFailed = new Map(swarms.map((swarmId, i) => [swarmId, replies.slice(batch.length + perSwarm * i, batch.length + perSwarm * i + 2).includes(failed)]));
    const unlisted = swarms.filter((_, i) => replies[batch.length + perSwarm * i + 2] === failed);
    if (unlisted.length > 0) this.#redis.logger.warn({ swarms: unlisted }, 'could not list swarms in coordinator:swarms; the next heartbeat tries again');
    return batch.map((hb, i) => (replies[i] === failed || registryFailed.get(hb.swarmId) ? new Error(`heartbeat of ${hb.coordinatorId} not written`) : true));
  }
}
