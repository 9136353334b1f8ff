/**
 * Key names. They keep the runbooks' prefixes so `redis-cli --scan --pattern 'blocking:heartbeat:*'`
 * and friends work. Everything a script needs together lives in the swarm's hash slot
 * (`{swarm}`), so each multi-key operation is one Lua script on one slot, also on Redis Cluster.
 * Ids cannot contain `:` or braces (see ids.ts), so each segment is delimited exactly.
 */
export const CONSUMER_GROUP = 'rendezvous';

export const keys = {
  /** Stream: a receiver's durable inbox, read through the consumer group. TTL: signal TTL, refreshed by each send. */
  inbox: (swarmId: string, coordinatorId: string) => `blocking:signal:{${swarmId}}:${coordinatorId}`,
  /** String: the messageId of the send that took an idempotency key, with its signature (idempotency-record.ts), per receiver. TTL: signal TTL. */
  idempotency: (swarmId: string, receiverId: string, idempotencyKey: string) =>
    `blocking:idempotency:{${swarmId}}:${receiverId}:${idempotencyKey}`,
  /** String: sends from one sender to one receiver in the current second (the send rate limit); expires after 1 s. */
  sendRate: (swarmId: string, receiverId: string, senderId: string) => `blocking:rate:{${swarmId}}:${receiverId}:${senderId}`,
  /** String: the signed ACK a coordinator gave for a message; a genuine one marks the message processed. TTL: ACK TTL. */
  ack: (swarmId: string, ackerId: string, messageId: string) => `blocking:ack:{${swarmId}}:${ackerId}:${messageId}`,
  /** Stream: ACK notices for a sender, read by waitForAcks. Capped; TTL: ACK TTL. */
  ackNotices: (swarmId: string, senderId: string) => `blocking:acks:{${swarmId}}:${senderId}`,
  /**
   * Pub/sub channel (not a key): what is appended to a coordinator's inbox and to its ACK notice
   * stream is pushed here too, so a waiting coordinator needs no read command (store/push.ts).
   */
  push: (swarmId: string, coordinatorId: string) => `blocking:push:{${swarmId}}:${coordinatorId}`,
  /** The glob every push channel matches (a pattern subscription: the daemon's fleet-wide event feed). */
  pushPattern: () => 'blocking:push:*',
  /** String (JSON): a coordinator's heartbeat. TTL: heartbeat TTL. */
  heartbeat: (coordinatorId: string) => `blocking:heartbeat:${coordinatorId}`,
  /** Sorted set: coordinator id -> last heartbeat (store ms); outlives heartbeat keys. TTL: registry TTL, refreshed by each beat. */
  registry: (swarmId: string) => `coordinator:registry:{${swarmId}}`,
  /** Set: every swarm that has registered a coordinator. Permanent (a handful of short strings). */
  swarms: () => 'coordinator:swarms',
  /** String: the supervisor's warning count for a coordinator. TTL: refreshed with each warning. */
  warning: (swarmId: string, coordinatorId: string) => `blocking:warning:{${swarmId}}:${coordinatorId}`,
  /** Hash: a coordinator's work items, task id -> JSON. TTL: work TTL, refreshed by each assignment. */
  work: (swarmId: string, coordinatorId: string) => `coordinator:work:{${swarmId}}:${coordinatorId}`,
  /** String (JSON): the record of a dead coordinator's escalation; its presence makes escalation idempotent. TTL: 7 days. */
  escalation: (swarmId: string, deadId: string) => `coordinator:escalation:{${swarmId}}:${deadId}`,
  /** String (JSON): a request to start a replacement coordinator. TTL: 7 days. */
  spawn: (swarmId: string, replacementId: string) => `coordinator:spawn:{${swarmId}}:${replacementId}`,
  /** Sorted set: spawn requests not yet carried out (new id -> requested at, store ms). TTL 7 days. */
  pendingSpawns: (swarmId: string) => `coordinator:spawns:{${swarmId}}`,
  /** Stream: the swarm's durable event log (replacements), for late readers. Capped; TTL 7 days. */
  swarmEvents: (swarmId: string) => `swarm:{${swarmId}}:events`,
  /** Pub/sub channel announcing replacements (the runbooks' name). */
  replacementChannel: (swarmId: string) => `swarm:${swarmId}:coordinator:replacement`,
  /** String (JSON): a wait-for cycle the supervisor reported, so it is reported once. TTL: 1 hour. */
  deadlock: (swarmId: string, cycleHash: string) => `coordinator:deadlock:{${swarmId}}:${cycleHash}`,
  /** String (JSON): activity recorded for a coordinator (iteration, phase, waitingFor, timestamp). TTL: stale threshold x 2. */
  activity: (swarmId: string, coordinatorId: string) => `coordinator:activity:{${swarmId}}:${coordinatorId}`,
} as const;

/** The swarm and coordinator whose push channel this is (keys.push), or undefined for any other name or an id breaking the rule. */
export function ownerOfPushChannel(channel: string): { swarmId: string; coordinatorId: string } | undefined {
  const match = /^blocking:push:\{([A-Za-z0-9_.-]{1,64})\}:([A-Za-z0-9_.-]{1,64})$/.exec(channel);
  return match ? { swarmId: match[1]!, coordinatorId: match[2]! } : undefined;
}

/**
 * The coordinator a key belongs to, for the key kinds that hold one coordinator's transient state
 * (what cleanup may remove); undefined for anything else. Parsing relies on ids never holding `:`.
 */
export function ownerOfKey(key: string): string | undefined {
  const heartbeat = /^blocking:heartbeat:([^:{}]+)$/.exec(key);
  if (heartbeat) return heartbeat[1];
  const tagged = /^(?:blocking:(?:signal|acks|warning)|coordinator:activity):\{[^}]+\}:([^:{}]+)$/.exec(key);
  if (tagged) return tagged[1];
  const prefixed = /^blocking:(?:ack|idempotency):\{[^}]+\}:([^:{}]+):/.exec(key);
  return prefixed?.[1];
}

/**
 * Keys of the namespaced leader election (the global coordinator), all in the namespace's slot so
 * acquire, renew, release and fenced writes are single scripts.
 */
export const globalKeys = {
  /** Hash {workerId, epoch, since}: the current leader. TTL: the lease (server-side expiry). */
  leader: (namespace: string) => `coordinator:global:{${namespace}}:leader`,
  /** Integer: the last epoch handed out. Permanent: epochs must never go back. */
  epoch: (namespace: string) => `coordinator:global:{${namespace}}:epoch`,
  /** Stream of leadership events (acquired, released); followers block on it. Capped; TTL refreshed. */
  events: (namespace: string) => `coordinator:global:{${namespace}}:events`,
  /** Sorted set: worker id -> last heartbeat (store ms). TTL refreshed by every heartbeat. */
  workers: (namespace: string) => `coordinator:global:{${namespace}}:workers`,
  /** Hash: worker id -> JSON {startTime, plugins}. Cleaned with the sorted set. */
  workerInfo: (namespace: string) => `coordinator:global:{${namespace}}:worker-info`,
  /** Integer: the highest epoch that wrote into this slot (`tag` is the slot's hash tag). TTL refreshed. */
  fence: (tag: string, namespace: string) => `coordinator:fence:{${tag}}:${namespace}`,
} as const;

/** The hash tag Redis Cluster places a key by: the text between the first `{` and the next `}`. */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}
