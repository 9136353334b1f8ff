import type { Logger } from '../../protocol/logger.js';
import type { Store, Subscription } from '../../store/port.js';
import type { GlobalCoordinator } from '../../supervision/global-coordinator.js';
import type { CoordinatorTimeoutHandler } from '../../supervision/timeout-handler.js';
import type { DaemonEvent, EventHub } from './event-hub.js';
import { pushEvent } from './push-events.js';
import { SwarmWatch } from './swarm-watch.js';

export interface EventSources {
  store: Store;
  supervisor: CoordinatorTimeoutHandler;
  election: GlobalCoordinator;
  logger: Logger;
  deadThresholdMs: number;
  checkIntervalMs: number;
}

/** A failed pattern subscription (Redis down at start) is tried again this often. */
const RESUBSCRIBE_MS = 2_000;

/**
 * Feeds the hub: signals and ACKs fleet-wide (the store's pattern subscription to every push
 * channel), the local supervisor's events while it leads, the store's view of supervision while
 * it does not (swarm-watch.ts), leader changes and breaker changes. Returns the function that
 * stops them all.
 */
export function feedEvents(hub: EventHub, sources: EventSources): () => Promise<void> {
  const { store, supervisor, election, logger } = sources;
  const publish = (event: DaemonEvent) => hub.publish(event);
  const now = () => Date.now();
  const off: (() => void)[] = [];

  const on = <A>(emitter: { on(e: string, l: (a: A) => void): unknown; off(e: string, l: (a: A) => void): unknown }, name: string, listener: (a: A) => void) => {
    emitter.on(name, listener);
    off.push(() => emitter.off(name, listener));
  };
  type Fields = Record<string, unknown> & { swarmId: string };
  on<Fields>(supervisor, 'coordinator:warning', (e) => publish({ ...e, type: 'warning', at: now() }));
  on<Fields>(supervisor, 'coordinator:recovered', (e) => publish({ ...e, type: 'recovered', at: now() }));
  on<Fields>(supervisor, 'coordinator:timeout', (e) => publish({ ...e, type: 'timeout', at: now() }));
  on<Fields>(supervisor, 'coordinator:escalated', (e) => publish({ ...e, type: 'escalation', at: now() }));
  on<Fields>(supervisor, 'deadlock:detected', (e) => publish({ swarmId: e.swarmId, cycle: e.cycle, type: 'deadlock', at: now() }));
  on<{ namespace: string; newLeader: string | null; epoch: number }>(election, 'leader:changed', (e) => publish({ type: 'leader', at: now(), namespace: e.namespace, leaderId: e.newLeader, epoch: e.epoch }));
  off.push(store.breaker.onStateChange((change) => publish({ type: 'breaker', at: now(), state: change.state })));

  const watch = new SwarmWatch({ store, intervalMs: sources.checkIntervalMs, deadThresholdMs: sources.deadThresholdMs, leads: () => election.isLeader(), publish, logger });

  let subscription: Subscription | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  const subscribe = () => {
    store
      .watchPushes((push) => {
        const event = pushEvent(push, now());
        if (event) publish(event);
      })
      .then(
        (s) => (closed ? void s.close() : (subscription = s)),
        (error: unknown) => {
          logger.warn({ err: error }, 'event feed: could not subscribe to the push channels; retrying');
          if (!closed) retry = setTimeout(subscribe, RESUBSCRIBE_MS);
        },
      );
  };
  subscribe();

  return async () => {
    closed = true;
    clearTimeout(retry);
    for (const stop of off) stop();
    await Promise.all([watch.close(), subscription?.close()]);
  };
}
