import { Cluster, type Redis } from 'ioredis';
import type { Logger } from '../../protocol/logger.js';
import type { PushListener, Subscription } from '../port.js';
import { deliverPush } from '../push.js';
import { logConnectionErrors } from './connection-errors.js';
import type { RedisClient } from './lua-script.js';

/** Reconnects a Cluster subscriber tries to one master before moving to another. */
const RETRIES_PER_NODE = 3;
/** Pause before a replacement subscriber connection is opened. */
const REOPEN_DELAY_MS = 200;
/**
 * A push connection is PINGed this often, and reconnected when the answer takes longer than
 * KEEPALIVE_TIMEOUT_MS: a connection that died without a FIN (a blackholed network) would
 * otherwise leave every wait of the process hanging until its timeout. One command per process.
 */
const KEEPALIVE_MS = 15_000;
const KEEPALIVE_TIMEOUT_MS = 5_000;

/**
 * One pub/sub connection carrying every push channel this process listens to (all its
 * coordinators), so a waiting coordinator costs no connection and no command of its own.
 * After a reconnection it subscribes again and tells every listener to `resync`: what was
 * pushed while it was away is in the streams. On a Cluster it listens on one master (PUBLISH
 * reaches every node) and moves to another when that one stays unreachable.
 */
export class PushHub {
  readonly #base: RedisClient;
  readonly #logger: Logger;
  readonly #channels = new Map<string, Set<PushListener>>();
  /** Per channel, the SUBSCRIBE that makes its pushes flow (later listeners of the channel wait for it). */
  readonly #subscribed = new Map<string, Promise<unknown>>();
  #connection: Redis | undefined;
  #opening: Promise<Redis> | undefined;
  #reopenTimer: NodeJS.Timeout | undefined;
  readonly #keepAlive: NodeJS.Timeout;
  #closed = false;

  constructor(base: RedisClient, logger: Logger) {
    this.#base = base;
    this.#logger = logger;
    this.#keepAlive = setInterval(() => void this.#checkAlive(), KEEPALIVE_MS);
    this.#keepAlive.unref();
  }

  async subscribe(channel: string, listener: PushListener): Promise<Subscription> {
    let listeners = this.#channels.get(channel);
    if (!listeners) this.#channels.set(channel, (listeners = new Set()));
    listeners.add(listener);
    const unsubscribe = (): void => {
      if (!listeners.delete(listener) || listeners.size > 0 || this.#channels.get(channel) !== listeners) return;
      this.#channels.delete(channel);
      this.#subscribed.delete(channel);
      this.#connection?.unsubscribe(channel).catch(() => undefined); // a dropped connection has no subscriptions left
    };
    try {
      let ready = this.#subscribed.get(channel);
      if (!ready) {
        ready = this.#connect().then((connection) => connection.subscribe(channel));
        this.#subscribed.set(channel, ready);
        ready.catch(() => this.#subscribed.get(channel) === ready && this.#subscribed.delete(channel));
      }
      await ready;
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return { close: async () => unsubscribe() };
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#reopenTimer);
    clearInterval(this.#keepAlive);
    this.#connection?.disconnect();
    this.#connection = undefined;
  }

  #connect(): Promise<Redis> {
    if (this.#connection) return Promise.resolve(this.#connection);
    this.#opening ??= this.#open().finally(() => (this.#opening = undefined));
    return this.#opening;
  }

  async #open(): Promise<Redis> {
    const base = this.#base;
    // Pushes can wait any time (no command timeout); resubscribing is done here, followed by a
    // resync. No ready check: SUBSCRIBE may be written while connecting, and the check's INFO
    // would then be refused in subscriber mode.
    const options = { autoResubscribe: false, commandTimeout: undefined, enableReadyCheck: false } as const;
    let connection: Redis;
    if (base instanceof Cluster) {
      if (base.nodes('master').length === 0) await base.ping();
      const masters = base.nodes('master');
      const node = masters[Math.floor(Math.random() * masters.length)]!;
      connection = node.duplicate({ ...options, retryStrategy: (times: number) => (times > RETRIES_PER_NODE ? null : Math.min(100 * times, 1_000)) });
    } else {
      connection = base.duplicate(options);
    }
    if (this.#closed) {
      connection.disconnect();
      throw new Error('store closed');
    }
    logConnectionErrors(connection, this.#logger, 'push');
    let readyBefore = false;
    connection.on('message', (channel: string, message: string) => this.#deliver(channel, message));
    connection.on('ready', () => {
      if (readyBefore) void this.#resubscribe(connection);
      readyBefore = true;
    });
    connection.on('end', () => {
      if (this.#connection !== connection || this.#closed) return;
      this.#connection = undefined;
      // Retries exhausted (a Cluster node that stays down): listen elsewhere, then resync.
      this.#reopenTimer = setTimeout(() => void this.#replace(), REOPEN_DELAY_MS);
    });
    this.#connection = connection;
    return connection;
  }

  async #replace(): Promise<void> {
    if (this.#closed || this.#channels.size === 0) return;
    try {
      await this.#resubscribe(await this.#connect());
    } catch (error) {
      this.#logger.warn({ err: error }, 'could not reopen the push connection; retrying');
      this.#connection?.disconnect();
      this.#connection = undefined;
      this.#reopenTimer = setTimeout(() => void this.#replace(), REOPEN_DELAY_MS);
    }
  }

  /** Subscribes a new or reconnected connection to every channel, then has every listener read what it may have missed. */
  async #resubscribe(connection: Redis): Promise<void> {
    const channels = [...this.#channels.keys()];
    if (channels.length === 0) return;
    try {
      const ready = connection.subscribe(...channels);
      for (const channel of channels) this.#subscribed.set(channel, ready);
      await ready;
    } catch (error) {
      // The connection dropped again: its next 'ready' (or its replacement) comes back here.
      this.#logger.warn({ err: error }, 'could not subscribe the push connection again');
      return;
    }
    for (const channel of channels) for (const listener of this.#channels.get(channel) ?? []) this.#safely(() => listener.resync());
  }

  async #checkAlive(): Promise<void> {
    const connection = this.#connection;
    if (!connection || connection.status !== 'ready' || this.#channels.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), KEEPALIVE_TIMEOUT_MS)));
    const answer = await Promise.race([connection.ping().catch(() => 'failed'), late]);
    clearTimeout(timer);
    if (answer !== 'late' || this.#connection !== connection) return;
    this.#logger.warn({ timeoutMs: KEEPALIVE_TIMEOUT_MS }, 'push connection did not answer a PING; reconnecting');
    connection.disconnect(true); // its next 'ready' subscribes again and resyncs every listener
  }

  #deliver(channel: string, message: string): void {
    for (const listener of this.#channels.get(channel) ?? []) this.#safely(() => deliverPush(listener, message));
  }

  #safely(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.#logger.error({ err: error }, 'a push listener threw; the push is still in the store');
    }
  }
}
