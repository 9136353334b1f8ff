import type { Collectors, MetricSet } from './metric-set.js';
import { countOf } from './labels.js';

/** The counts of a GlobalCoordinator's getMetrics() the metrics read. */
export interface ObservedElectionCounts {
  renewFailures: number;
  fencedRejections: number;
  forgedLeases: number;
  forgedEvents: number;
  epochRegressions: number;
}

/** What observeElection needs of a GlobalCoordinator (structural: this layer does not import supervision/). */
export interface ObservableElection {
  readonly namespace: string;
  readonly workerId: string;
  isLeader(): boolean;
  getEpoch(): number;
  getKnownLeader(): string | null;
  getMetrics(): ObservedElectionCounts;
  on(event: 'leader:changed', listener: (event: unknown) => void): unknown;
  off(event: 'leader:changed', listener: (event: unknown) => void): unknown;
}

const COUNTED = [
  ['renewFailures', 'leaseRenewFailures', undefined],
  ['fencedRejections', 'fencedRejections', undefined],
  ['forgedLeases', 'electionForgeries', 'lease'],
  ['forgedEvents', 'electionForgeries', 'event'],
  ['epochRegressions', 'epochRegressions', undefined],
] as const;

const GAUGES = ['leaderEpoch', 'isLeader', 'leaderInfo'] as const;

/**
 * The elections observed by one RendezvousMetrics, by namespace. Leader changes are counted from
 * `leader:changed`; the rest is read at each scrape: the gauges from isLeader(), getEpoch() and
 * getKnownLeader() (what the process knows now), and the counters from getMetrics() (the election
 * keeps them; each scrape adds what they grew by, so nothing is paid between scrapes).
 */
export class ElectionObservers {
  readonly #metrics: MetricSet;
  readonly #byNamespace = new Map<string, Set<ObservableElection>>();
  /** The leader label last exported per namespace, removed when it changes. */
  readonly #leaderLabels = new Map<string, string>();

  constructor(metrics: MetricSet, collectors: Collectors) {
    this.#metrics = metrics;
    collectors.add(GAUGES, () => this.#setGauges());
  }

  observe(collectors: Collectors, election: ObservableElection): () => void {
    const metrics = this.#metrics;
    const namespace = String(election.namespace);
    const onChange = () => metrics.leaderChanges.inc({ namespace });
    election.on('leader:changed', onChange);
    let members = this.#byNamespace.get(namespace);
    if (!members) this.#byNamespace.set(namespace, (members = new Set()));
    members.add(election);
    metrics.leaderChanges.inc({ namespace }, 0); // the series exists from now on, for rate()

    const counted: Record<(typeof COUNTED)[number][0], number> = { renewFailures: 0, fencedRejections: 0, forgedLeases: 0, forgedEvents: 0, epochRegressions: 0 };
    const collectCounts = () => {
      let now: Partial<ObservedElectionCounts>;
      try {
        now = election.getMetrics() ?? {};
      } catch {
        return; // a broken election is not the scrape's failure
      }
      for (const [field, key, kind] of COUNTED) {
        const value = countOf(now[field]);
        const labels = kind === undefined ? { namespace } : { namespace, kind };
        metrics[key].inc(labels, Math.max(0, value - counted[field]));
        counted[field] = Math.max(counted[field], value);
      }
    };
    const stopCollecting = collectors.add(['leaseRenewFailures', 'fencedRejections', 'electionForgeries', 'epochRegressions'], collectCounts);

    return () => {
      election.off('leader:changed', onChange);
      collectCounts();
      stopCollecting();
      members.delete(election);
      if (members.size === 0) {
        this.#byNamespace.delete(namespace);
        this.#clear(namespace);
      }
    };
  }

  /** Each namespace's epoch, leadership and leader as its observed workers know them now. */
  #setGauges(): void {
    const metrics = this.#metrics;
    for (const [namespace, members] of this.#byNamespace) {
      let epoch = 0;
      let leads = false;
      let leader: string | null = null;
      for (const election of members) {
        try {
          epoch = Math.max(epoch, countOf(election.getEpoch()));
          if (election.isLeader()) {
            leads = true;
            leader = election.workerId;
          }
          leader ??= election.getKnownLeader();
        } catch {
          // skipped: what the others know is still exported
        }
      }
      metrics.leaderEpoch.set({ namespace }, epoch);
      metrics.isLeader.set({ namespace }, leads ? 1 : 0);
      const previous = this.#leaderLabels.get(namespace);
      if (previous !== undefined && previous !== leader) metrics.leaderInfo.remove({ namespace, leader: previous });
      if (typeof leader === 'string') {
        metrics.leaderInfo.set({ namespace, leader }, 1);
        this.#leaderLabels.set(namespace, leader);
      } else this.#leaderLabels.delete(namespace);
    }
  }

  /** No worker of `namespace` is observed any more: its gauges go. */
  #clear(namespace: string): void {
    const metrics = this.#metrics;
    metrics.leaderEpoch.remove({ namespace });
    metrics.isLeader.remove({ namespace });
    const leader = this.#leaderLabels.get(namespace);
    if (leader !== undefined) metrics.leaderInfo.remove({ namespace, leader });
    this.#leaderLabels.delete(namespace);
  }
}
