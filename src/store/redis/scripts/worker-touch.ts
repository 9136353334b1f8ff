import { globalKeys } from '../../../protocol/keys.js';
import type { WorkerRecord } from '../../lease-types.js';
import { WORKERS_TTL_MS } from '../../retention.js';
import { LuaScript } from '../lua-script.js';

/** Records a worker's heartbeat and drops the silent ones; the ids dropped. */
export const workerTouchScript = new LuaScript<{ namespace: string; worker: Omit<WorkerRecord, 'lastHeartbeat'>; workerTimeoutMs: number }, string[]>({
  file: 'worker-touch.lua',
  call: ({ namespace, worker, workerTimeoutMs }) => ({
    keys: [globalKeys.workers(namespace), globalKeys.workerInfo(namespace)],
    args: [worker.workerId, JSON.stringify({ startTime: worker.startTime, plugins: worker.plugins }), workerTimeoutMs, WORKERS_TTL_MS],
  }),
  parse: (reply) => reply as string[],
});
