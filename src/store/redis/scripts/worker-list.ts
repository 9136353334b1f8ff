import { globalKeys } from '../../../protocol/keys.js';
import type { WorkerRecord } from '../../lease-types.js';
import { LuaScript } from '../lua-script.js';

/** The workers heard from within the timeout, oldest heartbeat first. */
export const workerListScript = new LuaScript<{ namespace: string; workerTimeoutMs: number }, WorkerRecord[]>({
  file: 'worker-list.lua',
  call: ({ namespace, workerTimeoutMs }) => ({ keys: [globalKeys.workers(namespace), globalKeys.workerInfo(namespace)], args: [workerTimeoutMs] }),
  parse: (reply) => {
    const flat = reply as (string | null)[];
    const out: WorkerRecord[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const info = JSON.parse(flat[i + 2] ?? '{"startTime":0,"plugins":[]}') as { startTime: number; plugins: string[] };
      out.push({ workerId: flat[i]!, lastHeartbeat: Number(flat[i + 1]), ...info });
    }
    return out;
  },
});
