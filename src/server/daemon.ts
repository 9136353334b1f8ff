import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { coordinatorDefaults } from '../core/coordinator-options.js';
import { resolveKeyring } from '../core/secrets.js';
import type { Logger } from '../protocol/logger.js';
import { createStore } from '../store/create-store.js';
import type { Store } from '../store/port.js';
import { getGlobalCoordinator } from '../supervision/global-coordinator-registry.js';
import type { GlobalCoordinator } from '../supervision/global-coordinator.js';
import { CoordinatorTimeoutHandler } from '../supervision/timeout-handler.js';
import { buildApp } from './app.js';
import { CLEANUP_PLUGIN, CleanupJob } from './cleanup-job.js';
import type { DaemonConfig } from './config.js';
import { EventHub } from './events/event-hub.js';
import { feedEvents } from './events/sources.js';
import { createDaemonMetrics, observeComponents } from './metrics.js';
import { OpsSender } from './ops/ops-sender.js';
import { Tokens } from './tokens.js';

export interface DaemonOptions {
  config: DaemonConfig;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Redis URL from a flag; default REDIS_URL of `env` (no URL: the embedded store, useful only for a look at the API). */
  redisUrl?: string;
}

/**
 * `rendezvous serve`: a store, the supervisors' election with the supervisor
 * (CoordinatorTimeoutHandler) and the scheduled cleanup as its leader-only jobs, the event feed,
 * and the HTTP server. stop() undoes it in order: no new requests, supervision stopped and the
 * lease handed over, event streams ended, requests drained, store closed.
 */
export class Daemon {
  readonly #app: FastifyInstance;
  readonly #store: Store;
  readonly #supervisor: CoordinatorTimeoutHandler;
  readonly #election: GlobalCoordinator;
  readonly #hub: EventHub;
  readonly #stopFeed: () => Promise<void>;
  readonly #unobserve: () => void;
  readonly #logger: Logger;
  #stopping: Promise<void> | undefined;

  private constructor(parts: { app: FastifyInstance; store: Store; supervisor: CoordinatorTimeoutHandler; election: GlobalCoordinator; hub: EventHub; stopFeed: () => Promise<void>; unobserve: () => void; logger: Logger }) {
    this.#app = parts.app;
    this.#store = parts.store;
    this.#supervisor = parts.supervisor;
    this.#election = parts.election;
    this.#hub = parts.hub;
    this.#stopFeed = parts.stopFeed;
    this.#unobserve = parts.unobserve;
    this.#logger = parts.logger;
  }

  static async start(options: DaemonOptions): Promise<Daemon> {
    const { config, env, logger } = options;
    const startedAt = performance.now();
    // The secret is checked before anything connects: a daemon that cannot sign or verify is refused.
    const keyring = resolveKeyring({}, env, logger);
    const store = await createStore({ env, logger, ...(options.redisUrl ? { url: options.redisUrl } : {}) });
    try {
      const election = { ...(config.leaseTimeoutMs ? { leaseTimeoutMs: config.leaseTimeoutMs, workerTimeoutMs: Math.max(25_000, config.leaseTimeoutMs * 2), heartbeatIntervalMs: Math.max(100, Math.floor(config.leaseTimeoutMs / 3)) } : {}) };
      const gc = getGlobalCoordinator({ store, namespace: config.namespace, logger, env, ...election });
      const supervisor = new CoordinatorTimeoutHandler({
        store,
        namespace: config.namespace,
        env,
        logger,
        election,
        ...(config.checkIntervalMs ? { checkIntervalMs: config.checkIntervalMs } : {}),
        ...(config.deadThresholdMs ? { deadThresholdMs: config.deadThresholdMs } : {}),
        ...(config.maxWarnings ? { maxWarnings: config.maxWarnings } : {}),
      });
      const metrics = createDaemonMetrics();
      const hub = new EventHub({ maxBufferBytes: config.sseBufferBytes, keepaliveMs: config.keepaliveMs, logger, onDrop: () => metrics.sseDropped.inc() });
      const cleanup = new CleanupJob(store, logger.child({ component: 'cleanup' }));
      cleanup.onReport((report) => hub.publish({ type: 'cleanup', at: Date.now(), dryRun: report.dryRun, checked: report.checked, stale: report.stale, keysDeleted: report.keysDeleted, ttlsFixed: report.ttlsFixed, errors: report.errors }));
      const unobserve = observeComponents(metrics.registry, { store, supervisor, election: gc, cleanup });

      await gc.start(); // the daemon starts the election, so it alone stops it (and hands the lease over) at the end
      await supervisor.start();
      await cleanup.schedule(gc, config.cleanupIntervalMs);
      const stopFeed = feedEvents(hub, { store, supervisor, election: gc, logger, deadThresholdMs: supervisor.config.deadThresholdMs, checkIntervalMs: supervisor.config.checkIntervalMs });
      const app = buildApp({
        config,
        store,
        supervisor,
        election: gc,
        keyring: () => keyring,
        sender: new OpsSender({ store, keyring: () => keyring, maxSignalBytes: coordinatorDefaults.maxSignalBytes, signalTtlMs: coordinatorDefaults.signalTtlMs }),
        hub,
        metrics,
        tokens: new Tokens(config.apiToken, config.readToken),
        logger,
        startedAt,
        deadThresholdMs: supervisor.config.deadThresholdMs,
        replayWindowMs: coordinatorDefaults.replayWindowMs,
        runCleanup: (o) => cleanup.run(o),
      });
      const daemon = new Daemon({ app, store, supervisor, election: gc, hub, stopFeed, unobserve, logger });
      try {
        await app.listen({ host: config.host, port: config.port });
      } catch (error) {
        await daemon.stop();
        throw error;
      }
      if (store.kind === 'memory') logger.warn({}, 'no REDIS_URL: the daemon runs on its own embedded store, which coordinators in other processes cannot reach');
      if (!config.apiToken && !config.readToken) logger.warn({}, 'no API token (RENDEZVOUS_API_TOKEN): /api answers 401; only /health, /ready, /metrics and / are served');
      return daemon;
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
  }

  /** Where it listens: `http://host:port`. */
  get url(): string {
    const address = this.#app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /** Stops in order (idempotent); see the class comment. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const closing = this.#app.close(); // no new connections; in-flight requests finish
    this.#hub.close(); // event streams end (they would hold the server open)
    await this.#supervisor.stop();
    await this.#election.unsubscribePlugin(CLEANUP_PLUGIN);
    await this.#election.stop(); // releases the lease: another daemon leads within milliseconds
    await this.#stopFeed();
    this.#unobserve();
    await closing;
    await this.#store.close();
    this.#logger.info({}, 'daemon stopped');
  }
}
