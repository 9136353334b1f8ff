import { isDeepStrictEqual } from 'node:util';
import { InvalidConfigError } from '../protocol/errors.js';
import type { LeaseStore } from '../store/port.js';
import { resolveElectionOptions } from './election-options.js';
import { GlobalCoordinator, type GlobalCoordinatorOptions } from './global-coordinator.js';

const instances = new WeakMap<LeaseStore, Map<string, GlobalCoordinator>>();

/** What getGlobalCoordinator takes: a GlobalCoordinator's options without `workerId` (the instance's id is generated). */
export type SharedGlobalCoordinatorOptions = Omit<GlobalCoordinatorOptions, 'workerId'>;

/**
 * The one global coordinator of a store and namespace in this process. Asking again returns the
 * same instance; asking again with a different election config is an error, not a silent ignore.
 * With no election option given, the existing instance is returned whatever its config.
 */
export function getGlobalCoordinator(options: SharedGlobalCoordinatorOptions): GlobalCoordinator {
  const { store, namespace } = options;
  let byNamespace = instances.get(store);
  if (!byNamespace) instances.set(store, (byNamespace = new Map()));
  const existing = byNamespace.get(namespace);
  if (existing) {
    const asked = asksForConfig(options) ? resolveElectionOptions(options) : existing.config;
    if (!isDeepStrictEqual(asked, existing.config)) {
      throw new InvalidConfigError(`the global coordinator of namespace ${namespace} already runs with another config`, { namespace, running: existing.config, asked });
    }
    return existing;
  }
  const created = new GlobalCoordinator(options);
  byNamespace.set(namespace, created);
  return created;
}

/** Whether `options` set any election option (the rest name the instance, or are not compared: the secrets included). */
function asksForConfig(options: SharedGlobalCoordinatorOptions): boolean {
  const { store: _store, namespace: _namespace, logger: _logger, env: _env, secret: _secret, secretNew: _secretNew, allowGeneratedSecret: _dev, ...election } = options;
  return Object.values(election).some((value) => value !== undefined);
}
