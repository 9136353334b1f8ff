import type { Collectors, MetricSet } from './metric-set.js';
import { breakerStateLabel, countOf } from './labels.js';
import { recordOperations } from './store-operation-counts.js';

/** What observeStore needs of a store (structural: a Store has it). */
export interface ObservableStore {
  readonly breaker: {
    readonly state: string;
    onStateChange(listener: (change: { state: string }) => void): () => void;
  };
  readonly lostState: { readonly inboxesGone: number; readonly groupsRecreated: number; readonly wrongTypeKeysReplaced: number };
  observeOperations(listener: (event: { operation: string; durationMs: number; error?: unknown }) => void): () => void;
}

const BREAKER_STATES = ['closed', 'open', 'half_open'] as const;

/** lostState's counts and their label. */
const LOST_STATE = [
  ['inboxesGone', 'inbox_gone'],
  ['groupsRecreated', 'group_recreated'],
  ['wrongTypeKeysReplaced', 'wrong_type_key'],
] as const;

/**
 * The store's metrics: each operation's duration and errors (observeOperations, which times
 * operations only while observed), the breaker's state and openings (its listener), and the signs
 * of lost state (counts the store keeps, read at each scrape and added as they grow).
 */
export function observeStore(metrics: MetricSet, collectors: Collectors, store: ObservableStore): () => void {
  const setBreaker = (state: string) => {
    const current = breakerStateLabel(state);
    if (current === undefined) return;
    for (const s of BREAKER_STATES) metrics.circuitBreakerState.set({ state: s }, s === current ? 1 : 0);
  };
  setBreaker(store.breaker.state);
  const stopBreaker = store.breaker.onStateChange((change) => {
    setBreaker(change?.state);
    if (change?.state === 'open') metrics.circuitBreakerOpened.inc();
  });

  const stopOperations = recordOperations(metrics, store);

  // Counted since the store was created: the first scrape adds what was seen before it was observed.
  const counted = { inboxesGone: 0, groupsRecreated: 0, wrongTypeKeysReplaced: 0 };
  const collectLostState = () => {
    for (const [field, kind] of LOST_STATE) {
      const now = countOf(store.lostState[field]);
      if (now > counted[field]) metrics.storeLostState.inc({ kind }, now - counted[field]);
      counted[field] = Math.max(counted[field], now);
    }
  };
  const stopCollecting = collectors.add(['storeLostState'], collectLostState);

  return () => {
    stopBreaker();
    stopOperations();
    collectLostState(); // what it saw until now stays counted
    stopCollecting();
  };
}
