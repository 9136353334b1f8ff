import type { MetricSet } from './metric-set.js';
import { errorCodeLabel, secondsOf } from './labels.js';
import type { ObservableStore } from './observe-store.js';

/**
 * The key of a Rendezvous store's method that attaches operation recorders (store/operation-timing.ts,
 * the same registered symbol): called with a factory of one recorder per operation, it returns
 * what detaches them.
 */
const RECORD_OPERATIONS = Symbol.for('rendezvous.store.recordOperations');

type HistogramChild = ReturnType<MetricSet['storeOperationDuration']['labels']>;

/**
 * One operation's duration and errors. Its histogram child is resolved at its first settling (a
 * series appears once an operation ran), then each settling is one observe.
 */
class OperationCounts {
  readonly #metrics: MetricSet;
  readonly #operation: string;
  #duration: HistogramChild | undefined;

  constructor(metrics: MetricSet, operation: string) {
    this.#metrics = metrics;
    this.#operation = operation;
  }

  settled(durationMs: unknown, error: unknown): void {
    const seconds = secondsOf(durationMs);
    if (seconds !== undefined) (this.#duration ??= this.#metrics.storeOperationDuration.labels({ operation: this.#operation })).observe(seconds);
    if (error !== undefined) this.#metrics.storeOperationErrors.inc({ operation: this.#operation, code: errorCodeLabel(error) });
  }
}

/**
 * Records each operation's settlings: directly on a Rendezvous store (no event object per
 * operation: issue 13's hot path), through observeOperations' events on anything else.
 */
export function recordOperations(metrics: MetricSet, store: Pick<ObservableStore, 'observeOperations'>): () => void {
  const attach: unknown = Reflect.get(store, RECORD_OPERATIONS);
  if (typeof attach === 'function') {
    return (attach as (make: (operation: string) => OperationCounts) => () => void).call(store, (operation) => new OperationCounts(metrics, operation));
  }
  const byOperation = new Map<string, OperationCounts>();
  return store.observeOperations(({ operation, durationMs, error }) => {
    const name = String(operation);
    let counts = byOperation.get(name);
    if (!counts) byOperation.set(name, (counts = new OperationCounts(metrics, name)));
    counts.settled(durationMs, error);
  });
}
