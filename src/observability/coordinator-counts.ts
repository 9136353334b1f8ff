import type { CounterChild, LeanCounter } from './lean-counter.js';
import type { HistogramChild, LeanHistogram } from './lean-histogram.js';
import type { MetricSet } from './metric-set.js';
import { countOf, heartbeatFailureLabel, rejectionReasonLabel, secondsOf, signalTypeLabel } from './labels.js';

type Outcome = 'completed' | 'timeout' | 'aborted';

/**
 * One coordinator's metrics, recorded from plain values: what core/coordinator-recorder.ts calls
 * directly on a coordinator (and what the events' listeners call for anything else that emits
 * them). The labelled children a hot path uses are resolved once, at observe time or at a label
 * value's first use. Total: whatever it is given maps to a bounded label (labels.ts), and nothing
 * here throws.
 */
export class CoordinatorCounts {
  readonly #metrics: MetricSet;
  readonly #base: Readonly<Record<string, string>>;
  readonly #sent = new Map<string, CounterChild>();
  readonly #received = new Map<string, CounterChild>();
  readonly #latency = new Map<string, HistogramChild>();
  readonly #duplicates: CounterChild;
  readonly #acksSent: CounterChild;
  readonly #acksReceived: CounterChild;
  readonly #heartbeats: CounterChild;
  /** At 0 from the start, as the alerts on them need: increase() over a series that appears at 1 is 0. */
  readonly #forgedRecords: CounterChild;
  readonly #heldLimit: Readonly<Record<'pending' | 'handed_out', CounterChild>>;
  readonly #waits: Readonly<Record<'signal' | 'acks', Readonly<Record<Outcome, HistogramChild>>>>;

  constructor(metrics: MetricSet, base: Readonly<Record<string, string>>) {
    this.#metrics = metrics;
    this.#base = base;
    this.#duplicates = this.#child(metrics.signalsDuplicate, {});
    this.#acksSent = this.#child(metrics.acksSent, {});
    this.#acksReceived = this.#child(metrics.acksReceived, {});
    this.#heartbeats = this.#child(metrics.heartbeats, {});
    this.#forgedRecords = this.#child(metrics.forgedRecords, {});
    this.#heldLimit = { pending: this.#child(metrics.heldLimit, { held: 'pending' }), handed_out: this.#child(metrics.heldLimit, { held: 'handed_out' }) };
    const waits = (kind: string) => ({
      completed: this.#child(metrics.blockingDuration, { kind, outcome: 'completed' }),
      timeout: this.#child(metrics.blockingDuration, { kind, outcome: 'timeout' }),
      aborted: this.#child(metrics.blockingDuration, { kind, outcome: 'aborted' }),
    });
    this.#waits = { signal: waits('signal'), acks: waits('acks') };
  }

  signalSent(type: unknown, isDuplicate: unknown): void {
    if (isDuplicate) this.#duplicates.inc();
    else this.#byType(this.#sent, this.#metrics.signalsSent, signalTypeLabel(type)).inc();
  }

  signalReceived(type: unknown, latencyMs: unknown): void {
    const label = signalTypeLabel(type);
    this.#byType(this.#received, this.#metrics.signalsReceived, label).inc();
    const seconds = secondsOf(latencyMs);
    if (seconds !== undefined) this.#byType(this.#latency, this.#metrics.signalDeliveryLatency, label).observe(seconds);
  }

  rejected(kind: unknown, reason: unknown): void {
    const metric = kind === 'ack' ? this.#metrics.acksRejected : this.#metrics.signalsRejected;
    metric.inc({ ...this.#base, reason: rejectionReasonLabel(reason) });
  }

  forgedRecord(): void {
    this.#forgedRecords.inc();
  }

  heldLimit(held: unknown): void {
    this.#heldLimit[held === 'handed_out' ? 'handed_out' : 'pending'].inc();
  }

  ackSent(): void {
    this.#acksSent.inc();
  }

  heartbeat(): void {
    this.#heartbeats.inc();
  }

  heartbeatFailed(error: unknown): void {
    this.#metrics.heartbeatFailures.inc({ ...this.#base, reason: heartbeatFailureLabel(error) });
  }

  waitEnded(kind: unknown, durationMs: unknown, outcome: unknown, received: unknown): void {
    const k = kind === 'acks' ? 'acks' : 'signal';
    const o: Outcome = outcome === 'completed' || outcome === 'timeout' ? outcome : 'aborted';
    const seconds = secondsOf(durationMs);
    if (seconds !== undefined) this.#waits[k][o].observe(seconds);
    if (o === 'timeout') this.#metrics.timeoutEvents.inc({ ...this.#base, kind: k === 'acks' ? 'ack_wait' : 'blocking' });
    if (k === 'acks') {
      const count = countOf(received);
      if (count > 0) this.#acksReceived.inc(count);
    }
  }

  #child<M extends LeanCounter | LeanHistogram>(metric: M, extra: Record<string, string>): ReturnType<M['labels']> {
    return metric.labels({ ...this.#base, ...extra }) as ReturnType<M['labels']>;
  }

  /** The child of a signal type's label, resolved at its first use (a series appears once it is used, as before). */
  #byType<C extends CounterChild | HistogramChild>(children: Map<string, C>, metric: LeanCounter | LeanHistogram, type: string): C {
    let found = children.get(type);
    if (found === undefined) children.set(type, (found = metric.labels({ ...this.#base, type }) as C));
    return found;
  }
}
