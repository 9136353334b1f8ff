import type { ServerResponse } from 'node:http';
import type { Logger } from '../../protocol/logger.js';

/** The SSE event names of the contract. */
export type DaemonEventName = 'signal' | 'ack' | 'warning' | 'recovered' | 'timeout' | 'escalation' | 'replacement' | 'deadlock' | 'leader' | 'breaker' | 'cleanup';

/** An event's JSON: always `type` (= its name) and `at` (epoch ms), and `swarmId` where it has one. */
export type DaemonEvent = { type: DaemonEventName; at: number; swarmId?: string } & Record<string, unknown>;

interface Client {
  response: ServerResponse;
  /** Bytes this client was sent since the last keepalive (its `data` volume, for the log line when it is dropped). */
  sent: number;
}

export interface EventHubOptions {
  /** A client whose unsent bytes would exceed this is dropped. */
  maxBufferBytes: number;
  keepaliveMs: number;
  logger: Logger;
  /** Told of each slow client dropped (a metric counts them). */
  onDrop?: () => void;
}

/**
 * Server-sent events to every connected client. Each event is serialised once. A client's unsent
 * bytes (the socket's write buffer) are bounded: a client that falls behind by more is dropped,
 * counted and logged, so one slow reader never holds the daemon's memory.
 */
export class EventHub {
  readonly #options: EventHubOptions;
  readonly #clients = new Set<Client>();
  readonly #keepalive: NodeJS.Timeout;
  #dropped = 0;
  #closed = false;

  constructor(options: EventHubOptions) {
    this.#options = options;
    this.#keepalive = setInterval(() => this.#broadcast(': keepalive\n\n'), options.keepaliveMs);
    this.#keepalive.unref();
  }

  get clients(): number {
    return this.#clients.size;
  }

  get dropped(): number {
    return this.#dropped;
  }

  /** Starts an event stream on `response`; it ends when the client goes or the hub closes. */
  attach(response: ServerResponse): void {
    if (this.#closed) {
      response.end();
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write(': connected\n\n');
    const client: Client = { response, sent: 0 };
    this.#clients.add(client);
    response.on('close', () => this.#clients.delete(client));
  }

  publish(event: DaemonEvent): void {
    if (this.#clients.size === 0) return;
    this.#broadcast(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  /** Ends every stream (SIGTERM): clients see the end and may reconnect to another daemon. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#keepalive);
    for (const client of this.#clients) client.response.end();
    this.#clients.clear();
  }

  #broadcast(chunk: string): void {
    const bytes = Buffer.byteLength(chunk);
    for (const client of this.#clients) {
      if (client.response.writableLength + bytes > this.#options.maxBufferBytes) {
        this.#drop(client);
        continue;
      }
      client.response.write(chunk);
      client.sent += bytes;
    }
  }

  #drop(client: Client): void {
    this.#clients.delete(client);
    this.#dropped += 1;
    this.#options.onDrop?.();
    this.#options.logger.warn({ unsentBytes: client.response.writableLength, sentBytes: client.sent, dropped: this.#dropped }, 'event stream client too slow: dropped (it may reconnect)');
    client.response.destroy();
  }
}
