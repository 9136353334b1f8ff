import { isDeepStrictEqual } from 'node:util';
import { InvalidConfigError } from '../protocol/errors.js';
import type { Logger } from '../protocol/logger.js';
import type { LeaseStore as Store } from '../store/port.js';
import { resolveGlobalConfig, type GlobalCoordinatorOptions } from './global-config.js';
import { GlobalCoordinator } from './global-coordinator.js';

const instances = new WeakMap<Store, Map<string, GlobalCoordinator>>();

/**
 * The one global coordinator of a store and namespace in this process. Asking again returns the
 * same instance; asking again with a different config is an error, not a silent ignore.
 */
export function getGlobalCoordinator(store: Store, namespace: string, options?: GlobalCoordinatorOptions & { logger?: Logger }): GlobalCoordinator {
  let byNamespace = instances.get(store);
  if (!byNamespace) instances.set(store, (byNamespace = new Map()));
  const existing = byNamespace.get(namespace);
  if (existing) {
    const asked = options === undefined ? existing.config : resolveGlobalConfig(options);
    if (!isDeepStrictEqual(asked, existing.config)) {
      throw new InvalidConfigError(`the global coordinator of namespace ${namespace} already runs with another config`, { namespace, running: existing.config, asked });
    }
    return existing;
  }
  const created = new GlobalCoordinator(store, namespace, options);
  byNamespace.set(namespace, created);
  return created;
}
