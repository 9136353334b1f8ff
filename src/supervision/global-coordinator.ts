import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { emitSafely } from '../core/safe-emit.js';
import { resolveKeyring, type KeyringSlot, type SecretOptions } from '../core/secrets.js';
import { assertId } from '../protocol/ids.js';
import type { Logger } from '../protocol/logger.js';
import { defaultLogger } from '../store/default-logger.js';
import type { FencedOp } from '../store/lease-types.js';
import type { LeaseStore } from '../store/port.js';
import { Campaign } from './election/campaign.js';
import { diagnostics, type ElectionContext } from './election/context.js';
import { Fence } from './election/fence.js';
import { Forgeries } from './election/forgeries.js';
import { LeaderView } from './election/leader-view.js';
import { believedLeader } from './election/lease-verdict.js';
import { Leadership } from './election/leadership.js';
import { PluginRunner } from './election/plugin-runner.js';
import { ElectionSeals } from './election/seals.js';
import type { ActiveWorker, CoordinatorPlugin, GlobalCoordinatorEvents, GlobalCoordinatorMetrics } from './election/types.js';
import { WorkerMembership } from './election/worker-membership.js';
import { resolveElectionOptions, type ElectionConfig, type ElectionOptions } from './election-options.js';
import { Lifecycle } from './lifecycle.js';

/**
 * What a GlobalCoordinator is made of: its store and namespace, the election's options, and the
 * signing secret that seals its lease records and events (as a coordinator's: `secret`, default
 * BLOCKING_COORDINATION_SECRET; `secretNew`, default BLOCKING_COORDINATION_SECRET_NEW).
 */
export interface GlobalCoordinatorOptions extends ElectionOptions, SecretOptions {
  store: LeaseStore;
  /** The election's namespace (id rule): workers of one namespace elect one leader. */
  namespace: string;
  /** This worker's id (id rule; unique among the namespace's live workers). Default `gcs-<namespace>-<ms>-<6 hex>`. */
  workerId?: string;
  /** Default: the default logger; a child with `namespace` and `workerId` is used. */
  logger?: Logger;
  /** Where BLOCKING_COORDINATION_SECRET[_NEW] and RENDEZVOUS_DEV_SECRET are read. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * A namespaced leader election on the Store port, one worker of it. The parts, each in its own
 * file under election/: the term this worker leads (leadership.ts), the loop that competes for
 * the lease and follows the namespace's leadership events (campaign.ts), this worker's view of
 * who leads (leader-view.ts), its entry in the worker list (worker-membership.ts), the jobs run
 * while it leads (plugin-runner.ts) and its fenced writes (fence.ts). What it writes it seals,
 * what it reads it believes only when sealed (seals.ts, lease-verdict.ts, lease-watch.ts), and what it does not
 * believe is counted (forgeries.ts). This class wires them and orders start and stop (lifecycle.ts).
 */
export class GlobalCoordinator extends EventEmitter<GlobalCoordinatorEvents> {
  readonly namespace: string;
  readonly workerId: string;
  readonly config: ElectionConfig;
  readonly #ctx: ElectionContext;
  readonly #lifecycle: Lifecycle;
  readonly #leadership: Leadership;
  readonly #view: LeaderView;
  readonly #campaign: Campaign;
  readonly #membership: WorkerMembership;
  readonly #plugins: PluginRunner;
  readonly #fence: Fence;
  readonly #keys: KeyringSlot;
  /** Aborted by stop(): ends the run's election loop. */
  #stop = new AbortController();
  #watching: Promise<void> | undefined;
  #unwatchConnection: (() => void) | undefined;

  constructor(options: GlobalCoordinatorOptions) {
    super();
    const { store, namespace, workerId } = options;
    assertId(namespace, 'namespace');
    if (workerId !== undefined) assertId(workerId, 'coordinator id');
    this.namespace = namespace;
    this.config = resolveElectionOptions(options);
    this.workerId = workerId ?? `gcs-${namespace}-${Date.now()}-${randomBytes(3).toString('hex')}`;
    const logger = (options.logger ?? defaultLogger()).child({ namespace, workerId: this.workerId });
    this.#keys = { current: resolveKeyring(options, options.env ?? process.env, logger) };
    const holder = { workerId: this.workerId, instance: randomBytes(8).toString('hex') };
    const ctx: ElectionContext = {
      store,
      namespace,
      workerId: this.workerId,
      holder,
      config: this.config,
      logger,
      seals: new ElectionSeals(this.#keys, namespace),
      forgeries: new Forgeries(logger),
      diag: diagnostics(logger, namespace, this.config.diagnosticsEnabled),
    };
    this.#ctx = ctx;
    this.#lifecycle = new Lifecycle({ run: (generation) => this.#run(generation), halt: (starting) => this.#halt(starting), alreadyRunning: () => ctx.diag('Service already running') });
    const isCurrent = (generation: number) => this.#lifecycle.isCurrent(generation);
    const leads = (epoch: number) => this.#leadership.leads(epoch);
    this.#view = new LeaderView(ctx, (event) => this.#emit('leader:changed', event));
    this.#leadership = new Leadership(ctx, { renewed: (epoch) => this.#emit('lease:renewed', { namespace, epoch }), steppedDown: (epoch) => this.#steppedDown(epoch) });
    this.#plugins = new PluginRunner(ctx, leads);
    this.#campaign = new Campaign(ctx, { leadership: this.#leadership, view: this.#view, isCurrent, elected: (epoch, event) => this.#plugins.promoteAll({ epoch, event }) });
    this.#membership = new WorkerMembership(ctx, () => this.#plugins.names(), isCurrent);
    this.#fence = new Fence(ctx, { leads, knownEpoch: () => this.#view.epoch, fenceAbove: (epoch, fence, tag) => this.#fenceAbove(epoch, fence, tag) });
  }

  /** Whether the last of start() and stop() called was start(). */
  get isRunning(): boolean {
    return this.#lifecycle.wanted;
  }

  get subscribedPlugins(): ReadonlyMap<string, CoordinatorPlugin> {
    return this.#plugins.plugins;
  }

  /** Whether this worker leads now: it holds the lease and its last renewal is recent enough. */
  isLeader(): boolean {
    return this.#leadership.isLeader();
  }

  /** The epoch of the current term as this worker knows it. */
  getEpoch(): number {
    return this.#view.epoch;
  }

  /** The leader as this worker last saw it (its last `leader:changed`), without asking the store; null: none known. */
  getKnownLeader(): string | null {
    return this.#view.leader;
  }

  /** The leader as the store's lease says, if its record's seal verifies; null when nobody holds the lease (or a forgery does). */
  getLeader(): Promise<string | null> {
    return believedLeader(this.#ctx);
  }

  getActiveWorkers(): Promise<ActiveWorker[]> {
    return this.#membership.list();
  }

  getMetrics(): GlobalCoordinatorMetrics {
    return {
      ...this.#membership.metrics,
      electionCount: this.#campaign.elections,
      leaderChanges: this.#view.changes,
      epochRegressions: this.#view.regressions,
      renewFailures: this.#leadership.renewFailures,
      ...this.#fence.metrics,
      ...this.#ctx.forgeries.metrics,
    };
  }

  /** Replaces the secrets (a rotation without restart): `secret` seals, `secretNew` also verifies. Reads no environment. */
  updateSecrets(secrets: SecretOptions): void {
    this.#keys.current = resolveKeyring(secrets, {}, this.#ctx.logger);
  }

  /** Joins the worker list, makes one attempt to take the lease and starts the election loop. */
  start(): Promise<void> {
    return this.#lifecycle.start();
  }

  /** Stops leader work, releases the lease (another worker takes it at once) and leaves the worker list. */
  stop(): Promise<void> {
    return this.#lifecycle.stop();
  }

  /** Adds a plugin; if this worker leads already, it is told and its work starts at once. */
  async subscribePlugin(name: string, plugin: CoordinatorPlugin): Promise<void> {
    const epoch = this.#leadership.epoch;
    this.#plugins.subscribe(name, plugin, this.isLeader() ? { epoch, event: this.#view.event(this.workerId, this.workerId, epoch) } : undefined);
  }

  /** Removes a plugin and stops its leader work; settles when a run in progress has finished. */
  unsubscribePlugin(name: string): Promise<void> {
    return this.#plugins.unsubscribe(name);
  }

  /** Performs `ops` only while `epoch` may write (see Fence.write); returns whether it was applied. */
  fenced(epoch: number, ops: readonly FencedOp[], options: { tag?: string } = {}): Promise<boolean> {
    return this.#fence.write(epoch, ops, options);
  }

  /** Run `generation`: the first heartbeat and election attempt, then the election loop; a stop meanwhile ends it short. */
  async #run(generation: number): Promise<void> {
    const stop = new AbortController();
    this.#stop = stop;
    this.#unwatchConnection = this.#ctx.store.onConnectionChange((connected) => {
      if (!connected) this.#leadership.stepDown('store connection lost');
    });
    await this.#membership.join(generation);
    if (!this.#lifecycle.isCurrent(generation)) return; // stopped meanwhile
    this.#ctx.diag('Service started');
    await this.#campaign.tryAcquire(generation).catch((error: unknown) => this.#ctx.logger.warn({ err: error }, 'first election failed; retrying'));
    if (!this.#lifecycle.isCurrent(generation)) return;
    this.#watching = this.#campaign.watch(stop.signal, generation);
  }

  async #halt(starting: Promise<void> | undefined): Promise<void> {
    this.#stop.abort();
    this.#membership.stopBeating();
    this.#unwatchConnection?.();
    await starting; // sees its run is over: stops short, and gives back a lease it took
    const [watching, beating] = [this.#watching, this.#membership.beating]; // this run's, not those of a start() that follows
    const epoch = this.#leadership.epoch;
    this.#leadership.stepDown('stopped');
    // The term's last writes finish before the lease is handed over, so a successor never overlaps them.
    await this.#plugins.allEnded();
    if (epoch > 0) await this.#leadership.release(epoch).catch((error: unknown) => this.#ctx.logger.warn({ err: error }, 'could not release the lease; it expires'));
    await Promise.all([watching, beating]);
    await this.#membership.leave();
    this.#ctx.diag('Service stopped');
  }

  /** This worker's term `epoch` ended: its plugins stop, it competes again at once, and they are told. */
  #steppedDown(epoch: number): void {
    this.#plugins.abortAll();
    this.#campaign.interrupt();
    this.#view.observe(null, epoch);
    this.#plugins.notifyStepDown(this.#view.event(this.workerId, null, epoch));
  }

  /**
   * A fence above this worker's term `epoch` refused its write: a term it does not know of wrote
   * there (the counter was lost while the fence survived, in another slot), or someone wrote the
   * fence by hand. Either way this term cannot write there: it ends, and this worker takes the
   * lease again at once, in place of its own record, under an epoch above the fence.
   */
  #fenceAbove(epoch: number, fence: number, tag: string): void {
    if (!this.#leadership.leads(epoch)) return;
    this.#ctx.forgeries.fence('fence above this term: leading again above it', { tag, epoch, fence });
    this.#view.raiseFloor(fence);
    this.#leadership.stepDown('a fence is above this term');
  }

  #emit<K extends keyof GlobalCoordinatorEvents>(event: K, ...args: GlobalCoordinatorEvents[K]): void {
    emitSafely(this.#ctx.logger, event, () => (this.emit as (e: K, ...a: GlobalCoordinatorEvents[K]) => boolean)(event, ...args));
  }
}
