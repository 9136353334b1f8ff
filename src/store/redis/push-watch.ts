import { Cluster, type Redis } from 'ioredis';
import { keys, ownerOfPushChannel } from '../../protocol/keys.js';
import type { Logger } from '../../protocol/logger.js';
import { fleetPushOf } from '../push.js';
import type { Subscription } from '../roles/inbox.js';
import type { FleetPushListener } from '../roles/inbox-view.js';
import { logConnectionErrors } from './connection-errors.js';
import type { RedisClient } from './lua-script.js';
import { withDeadline } from './node-query.js';

/** A PSUBSCRIBE not confirmed this long (Redis unreachable) fails, like any operation would. */
const WATCH_TIMEOUT_MS = 10_000;

/**
 * One pattern subscription to every push channel, on a connection of its own (a subscriber
 * connection can send nothing else). ioredis subscribes it again after a reconnection; what was
 * published meanwhile is lost, which a feed for operators can afford. On a Cluster it listens on
 * one master: PUBLISH reaches every node.
 */
export async function watchPushes(base: RedisClient, logger: Logger, listener: FleetPushListener): Promise<Subscription> {
  const options = { autoResubscribe: true, commandTimeout: undefined, enableReadyCheck: false, enableOfflineQueue: true, lazyConnect: true } as const;
  let connection: Redis;
  if (base instanceof Cluster) {
    if (base.nodes('master').length === 0) await base.ping();
    connection = base.nodes('master')[0]!.duplicate(options);
  } else {
    connection = base.duplicate(options);
  }
  logConnectionErrors(connection, logger, 'push watch');
  connection.on('pmessage', (_pattern: string, channel: string, message: string) => {
    const owner = ownerOfPushChannel(channel);
    const push = owner && fleetPushOf(owner, message);
    if (push) listener(push);
  });
  try {
    await withDeadline(
      connection.connect().then(() => connection.psubscribe(keys.pushPattern())),
      WATCH_TIMEOUT_MS,
    );
  } catch (error) {
    connection.disconnect();
    throw error;
  }
  return { close: async () => connection.disconnect() };
}
