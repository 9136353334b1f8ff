import { Cluster, type Redis } from 'ioredis';
import type { Logger } from '../../protocol/logger.js';
import { operationDeadlineMs } from './call-deadlines.js';
import { messageOf, nodeName, withDeadline } from './node-query.js';

/**
 * With replicated writes on, says at start (as a warning) every master with fewer connected
 * replicas than each send and ACK needs: until they connect, those fail with
 * ReplicationShortfallError. Not a refusal: replicas may be on their way (a restart, a resync).
 */
export async function checkReplicaCount(client: Redis | Cluster, required: number, logger: Logger): Promise<void> {
  const masters = client instanceof Cluster ? client.nodes('master') : [client];
  const deadlineMs = operationDeadlineMs(client);
  await Promise.all(
    masters.map(async (node) => {
      const name = nodeName(node);
      let connected: number;
      try {
        const info = await withDeadline(node.info('replication'), deadlineMs);
        connected = Number(/^connected_slaves:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
      } catch (error) {
        logger.warn({ node: name, reason: messageOf(error) }, `could not read how many replicas Redis at ${name} has (${messageOf(error)}); replicated writes need ${required}`);
        return;
      }
      if (Number.isNaN(connected)) logger.warn({ node: name }, `INFO replication of Redis at ${name} has no connected_slaves line; replicated writes need ${required} replicas`);
      else if (connected < required) {
        logger.warn(
          { node: name, connected, required },
          `Redis at ${name} has ${connected} connected replicas and replicated writes need ${required}: sends and ACKs fail with RDV_ERR_REPLICATION_SHORTFALL until enough are connected`,
        );
      }
    }),
  );
}
