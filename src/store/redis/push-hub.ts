import { Cluster, type Redis } from 'ioredis';
import type { Logger } from '../../protocol/logger.js';
import { redactError } from '../../protocol/redact.js';
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
/** A subscribe() not confirmed this long (Redis unreachable) fails, like any command would. */
export const SUBSCRIBE_TIMEOUT_MS = 10_000;

interface Channel {
  listeners: Set<PushListener>;
  /** Settles when the channel's SUBSCRIBE is confirmed on a connection (the first time). */
  confirmed: Promise<void>;
  confirm(): void;
  isConfirmed: boolean;
}

/**
 * One pub/sub connection carrying every push channel this process listens to (all its
 * coordinators), so a waiting coordinator costs no connection and no command of its own.
 * SUBSCRIBE is sent only on a ready connection, for every channel on each 'ready' (ioredis drops
 * a command written while connecting if the connection then resets). After a reconnection every
 * listener is told to `resync` (what was pushed meanwhile is in the streams), and pushes that
 * arrive before that are held back until it has been told, so they queue behind its catch-up.
 * On a Cluster it listens on one master (PUBLISH reaches every node) and moves to another when
 * that one stays unreachable.
 */
export class PushHub {
  readonly #base: RedisClient;
  readonly #logger: Logger;
  readonly #channels = new Map<string, Channel>();
  #connection: Redis | undefined;
  #opening: Promise<void> | undefined;
  #reopenTimer: NodeJS.Timeout | undefined;
  readonly #keepAlive: NodeJS.Timeout;
  /** While a resubscription's resync is pending: pushes held back, per channel, in order. */
  #held: [channel: string, message: string][] | undefined;
  /** `host:port` of the Cluster master the last push connection lost. */
  #lostNode: string | undefined;
  #closed = false;

  constructor(base: RedisClient, logger: Logger) {
    this.#base = base;
    this.#logger = logger;
    this.#keepAlive = setInterval(() => void this.#checkAlive(), KEEPALIVE_MS);
    this.#keepAlive.unref();
  }

  async subscribe(name: string, listener: PushListener): Promise<Subscription> {
    let channel = this.#channels.get(name);
    if (!channel) {
      let confirm!: () => void;
      const confirmed = new Promise<void>((resolve) => (confirm = resolve));
      const created: Channel = { listeners: new Set(), confirmed, confirm: () => ((created.isConfirmed = true), confirm()), isConfirmed: false };
      this.#channels.set(name, (channel = created));
      if (this.#connection?.status === 'ready') void this.#subscribeOn(this.#connection, [name], false);
      else void this.#connect();
    }
    channel.listeners.add(listener);
    const unsubscribe = (): void => {
      const current = this.#channels.get(name);
      if (current !== channel || !channel.listeners.delete(listener) || channel.listeners.size > 0) return;
      this.#channels.delete(name);
      if (this.#connection?.status === 'ready') this.#connection.unsubscribe(name).catch(() => undefined);
    };
    if (!channel.isConfirmed) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), SUBSCRIBE_TIMEOUT_MS)));
      const outcome = await Promise.race([channel.confirmed, late]);
      clearTimeout(timer);
      if (outcome === 'late' || this.#closed) {
        unsubscribe();
        throw new Error(this.#closed ? 'store closed' : `push channel not subscribed within ${SUBSCRIBE_TIMEOUT_MS} ms (Redis unreachable)`);
      }
    }
    return { close: async () => unsubscribe() };
  }

  close(): void {
    this.#closed = true;
    for (const channel of this.#channels.values()) if (!channel.isConfirmed) channel.confirm(); // its subscribe() fails now, not at its timeout
    clearTimeout(this.#reopenTimer);
    clearInterval(this.#keepAlive);
    this.#connection?.disconnect();
    this.#connection = undefined;
  }

  #connect(): Promise<void> {
    if (this.#connection || this.#closed) return Promise.resolve();
    this.#opening ??= this.#open()
      .catch((error: unknown) => {
        this.#logger.warn({ err: redactError(error) }, 'could not open the push connection; retrying');
        this.#reopenTimer = setTimeout(() => void this.#connect(), REOPEN_DELAY_MS);
      })
      .finally(() => (this.#opening = undefined));
    return this.#opening;
  }

  async #open(): Promise<void> {
    const base = this.#base;
    // Pushes can wait any time (no command timeout). No ready check: a resubscription follows
    // every 'ready' and would race the check's INFO, which is refused in subscriber mode.
    const options = { autoResubscribe: false, commandTimeout: undefined, enableReadyCheck: false, enableOfflineQueue: true, lazyConnect: false } as const;
    let connection: Redis;
    if (base instanceof Cluster) {
      if (base.nodes('master').length === 0) await base.ping();
      // Not the master that just stayed unreachable, while the node list may still name it.
      const all = base.nodes('master');
      const others = all.filter((node) => `${node.options.host}:${node.options.port}` !== this.#lostNode);
      const masters = others.length > 0 ? others : all;
      const node = masters[Math.floor(Math.random() * masters.length)]!;
      connection = node.duplicate({ ...options, retryStrategy: (times: number) => (times > RETRIES_PER_NODE ? null : Math.min(100 * times, 1_000)) });
    } else {
      connection = base.duplicate(options);
    }
    if (this.#closed) {
      connection.disconnect();
      return;
    }
    logConnectionErrors(connection, this.#logger, 'push');
    connection.on('message', (channel: string, message: string) => this.#onMessage(channel, message));
    connection.on('ready', () => void this.#subscribeOn(connection, [...this.#channels.keys()], true));
    connection.on('end', () => {
      if (this.#connection !== connection || this.#closed) return;
      this.#connection = undefined;
      this.#lostNode = `${connection.options.host}:${connection.options.port}`;
      // Retries exhausted (a Cluster node that stays down): listen elsewhere; its 'ready' resyncs.
      this.#reopenTimer = setTimeout(() => void this.#connect(), REOPEN_DELAY_MS);
    });
    this.#connection = connection;
  }

  /**
   * SUBSCRIBEs `names` on a ready connection. Channels subscribed before (on a connection since
   * lost) resync their listeners; until they have, pushes are held back. New channels are confirmed.
   */
  async #subscribeOn(connection: Redis, names: string[], afterReady: boolean): Promise<void> {
    if (names.length === 0 || this.#connection !== connection) return;
    const resubscribing = afterReady && names.some((name) => this.#channels.get(name)?.isConfirmed);
    if (resubscribing) this.#held ??= [];
    try {
      await connection.subscribe(...names);
    } catch (error) {
      // The connection dropped again: its next 'ready' (or its replacement's) comes back here
      // and resyncs; what was held back goes out now rather than waiting for that.
      this.#logger.warn({ err: redactError(error) }, 'could not subscribe the push connection again');
      if (resubscribing) this.#release();
      return;
    }
    for (const name of names) {
      const channel = this.#channels.get(name);
      if (!channel) continue;
      if (!channel.isConfirmed) channel.confirm();
      else if (afterReady) for (const listener of channel.listeners) this.#safely(listener, () => listener.resync());
    }
    if (resubscribing) this.#release();
  }

  #release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const [channel, message] of held) this.#deliver(channel, message);
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

  #onMessage(channel: string, message: string): void {
    if (this.#held) this.#held.push([channel, message]);
    else this.#deliver(channel, message);
  }

  #deliver(channel: string, message: string): void {
    for (const listener of this.#channels.get(channel)?.listeners ?? []) this.#safely(listener, () => deliverPush(listener, message));
  }

  /** A listener that throws loses no push: it is asked to read its streams again. */
  #safely(listener: PushListener, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.#logger.error({ err: error }, 'a push listener threw; it reads its streams again');
      try {
        listener.resync();
      } catch {
        // Nothing more to do here: its next catch-up (a reconnection, a restart) finds the entries.
      }
    }
  }
}
