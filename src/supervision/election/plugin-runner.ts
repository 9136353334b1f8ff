import { setTimeout as sleep } from 'node:timers/promises';
import { assertId } from '../../protocol/ids.js';
import type { ElectionContext } from './context.js';
import type { CoordinatorPlugin, LeaderChangedEvent } from './types.js';

interface Subscription {
  plugin: CoordinatorPlugin;
  /** Aborts the plugin's leader work of the current term. */
  work?: AbortController;
  /**
   * Settles when the plugin's leader work has ended: each term's loop starts after the previous
   * one's (of this plugin, or of the one it replaced) has ended, so two runs never overlap.
   */
  running?: Promise<void> | undefined;
}

/** The term a plugin is promoted in: its epoch, and the leader:changed event that began it. */
export interface Term {
  epoch: number;
  event: LeaderChangedEvent;
}

/**
 * The plugins of one worker: jobs told when this worker starts or stops leading, and run every
 * intervalMs while it leads. Runs of one plugin name never overlap: a plugin promoted in a new
 * term, or subscribed again, starts once the run before it has ended. Waits for runs to end are
 * bounded by one lease: by then the term is over in the store and fencing refuses what a run that
 * ignores its signal still writes.
 */
export class PluginRunner {
  readonly #ctx: ElectionContext;
  /** Whether this worker leads now in term `epoch`. */
  readonly #leads: (epoch: number) => boolean;
  readonly #plugins = new Map<string, Subscription>();
  /** Runs of unsubscribed plugins still ending: the same name subscribed again starts after them. */
  readonly #ending = new Map<string, Promise<void>>();

  constructor(ctx: ElectionContext, leads: (epoch: number) => boolean) {
    this.#ctx = ctx;
    this.#leads = leads;
  }

  /** The subscribed plugins by name (a copy). */
  get plugins(): ReadonlyMap<string, CoordinatorPlugin> {
    return new Map([...this.#plugins].map(([name, s]) => [name, s.plugin]));
  }

  names(): string[] {
    return [...this.#plugins.keys()];
  }

  /** Adds (or replaces) a plugin; with `term` (this worker leads now) it is told and its work starts at once. */
  subscribe(name: string, plugin: CoordinatorPlugin, term?: Term): void {
    assertId(name, 'task id');
    const previous = this.#plugins.get(name);
    previous?.work?.abort();
    const subscription: Subscription = { plugin, running: previous?.running ?? this.#ending.get(name) }; // its work starts after the one before
    this.#plugins.set(name, subscription);
    this.#ctx.diag(`Plugin subscribed: ${name}`);
    if (term) this.#promote(name, subscription, term);
  }

  /** Removes a plugin and stops its leader work; settles when a run in progress has finished. */
  async unsubscribe(name: string): Promise<void> {
    const subscription = this.#plugins.get(name);
    if (!subscription) return;
    subscription.work?.abort();
    this.#plugins.delete(name);
    const running = subscription.running;
    if (running) {
      this.#ending.set(name, running);
      void running.then(() => {
        if (this.#ending.get(name) === running) this.#ending.delete(name);
      });
    }
    await this.#ended([running]);
  }

  /** A term began on this worker: every plugin is told, and its work starts. */
  promoteAll(term: Term): void {
    for (const [name, subscription] of this.#plugins) this.#promote(name, subscription, term);
  }

  /** The term ended: every plugin's work is told to stop. */
  abortAll(): void {
    for (const subscription of this.#plugins.values()) subscription.work?.abort();
  }

  /** Tells every plugin that this worker no longer leads. */
  notifyStepDown(event: LeaderChangedEvent): void {
    for (const [name, { plugin }] of this.#plugins) this.#notify(name, plugin, false, event);
  }

  /** Settles when every run in progress has ended, one lease at most. */
  allEnded(): Promise<void> {
    return this.#ended([...this.#plugins.values()].map((s) => s.running));
  }

  /** Tells a plugin it leads and starts its leader work for this term, after its previous run. */
  #promote(name: string, subscription: Subscription, { epoch, event }: Term): void {
    subscription.work?.abort();
    const work = new AbortController();
    subscription.work = work;
    this.#notify(name, subscription.plugin, true, event);
    const job = subscription.plugin.leaderWork;
    if (!job) return;
    const before = subscription.running;
    subscription.running = (async () => {
      await this.#ended([before]);
      await this.#run(name, job, epoch, work.signal);
    })();
  }

  /** Runs a plugin's leader work every intervalMs while this term lasts; a paused leader resumes to find it over. */
  async #run(name: string, job: NonNullable<CoordinatorPlugin['leaderWork']>, epoch: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted && this.#leads(epoch)) {
      try {
        await job.run({ epoch, signal });
      } catch (error) {
        this.#ctx.logger.warn({ err: error, plugin: name }, 'leader work failed');
      }
      await sleep(job.intervalMs, undefined, { signal }).catch(() => undefined);
    }
  }

  #notify(name: string, plugin: CoordinatorPlugin, isLeader: boolean, event: LeaderChangedEvent): void {
    if (!plugin.onGlobalLeaderChange) return;
    Promise.resolve()
      .then(() => plugin.onGlobalLeaderChange!(isLeader, event))
      .catch((error: unknown) => this.#ctx.logger.warn({ err: error, plugin: name }, 'plugin failed on a leader change'));
  }

  /** Waits for these (aborted) runs to end, at most one lease. */
  async #ended(runs: readonly (Promise<void> | undefined)[]): Promise<void> {
    const running = runs.filter((run) => run !== undefined);
    if (running.length === 0) return;
    const bound = new AbortController();
    await Promise.race([Promise.all(running), sleep(this.#ctx.config.leaseTimeoutMs, undefined, { signal: bound.signal }).catch(() => undefined)]);
    bound.abort();
  }
}
