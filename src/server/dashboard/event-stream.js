// @ts-check
// The live connection to /api/events. EventSource retries by itself after a dropped connection;
// after a refused one (401, a proxy's error page) it gives up, so this retries with a backoff
// unless the token is what was refused.

import { eventsUrl } from './api.js';

/** @typedef {import('./types.js').OpsEvent} OpsEvent */
/** @typedef {import('./types.js').ConnectionState} ConnectionState */

/** The event names of the contract; EventSource only delivers names it listens for. */
export const EVENT_NAMES = ['signal', 'ack', 'warning', 'recovered', 'timeout', 'escalation', 'replacement', 'deadlock', 'leader', 'breaker', 'cleanup'];
const MAX_BACKOFF_MS = 15_000;

/**
 * One event's data, if it is what the contract says (an object with a string `type`).
 * @param {string} name
 * @param {unknown} data
 * @returns {OpsEvent | null}
 */
export function parseEvent(name, data) {
  if (typeof data !== 'string' || data.length > 1_000_000) return null;
  let value;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const type = typeof value.type === 'string' ? value.type : name;
  return { ...value, type, at: typeof value.at === 'number' ? value.at : Date.now() };
}

export class EventStream {
  /** @type {EventSource | null} */
  #source = null;
  #backoffMs = 1000;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #retry;
  #token = '';
  /** @type {ConstructorParameters<typeof EventStream>[0]} */
  #handlers;

  /**
   * @param {object} handlers
   * @param {(event: OpsEvent) => void} handlers.onEvent
   * @param {(state: ConnectionState) => void} handlers.onState
   * @param {() => void} handlers.onOpen a (re)connection: events may have been missed
   * @param {() => Promise<boolean>} handlers.isUnauthorized asked after a refused connection
   */
  constructor(handlers) {
    this.#handlers = handlers;
  }

  /** @param {string} token */
  open(token) {
    this.close();
    this.#token = token;
    this.#connect();
  }

  close() {
    this.#token = '';
    clearTimeout(this.#retry);
    this.#source?.close();
    this.#source = null;
  }

  #connect() {
    const { onEvent, onState, onOpen, isUnauthorized } = this.#handlers;
    const source = new EventSource(eventsUrl(this.#token));
    this.#source = source;
    onState('connecting');
    source.addEventListener('open', () => {
      this.#backoffMs = 1000;
      onState('live');
      onOpen();
    });
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (message) => {
        const event = parseEvent(name, /** @type {MessageEvent} */ (message).data);
        if (event) onEvent(event);
      });
    }
    source.addEventListener('error', () => {
      if (this.#source !== source) return;
      if (source.readyState !== EventSource.CLOSED) return onState('reconnecting');
      source.close();
      this.#source = null;
      void isUnauthorized().then((refused) => {
        if (this.#source !== null || this.#token === '') return; // reopened or closed meanwhile
        if (refused) return onState('unauthorized');
        onState('reconnecting');
        this.#retry = setTimeout(() => this.#connect(), this.#backoffMs);
        this.#backoffMs = Math.min(MAX_BACKOFF_MS, this.#backoffMs * 2);
      });
    });
  }
}
