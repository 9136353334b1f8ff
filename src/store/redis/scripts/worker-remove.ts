import { globalKeys } from '../../../protocol/keys.js';
import { LuaScript } from '../lua-script.js';

/** Removes a worker that stops gracefully. */
export const workerRemoveScript = new LuaScript<{ namespace: string; workerId: string }, void>({
  file: 'worker-remove.lua',
  call: ({ namespace, workerId }) => ({ keys: [globalKeys.workers(namespace), globalKeys.workerInfo(namespace)], args: [workerId] }),
  parse: () => undefined,
});
