// @ts-check
// The ops API as the page uses it: read-only GETs with the bearer token. The token lives in
// sessionStorage (gone with the tab) and goes in a URL only for /api/events (EventSource sends no headers).

const TOKEN_KEY = 'rendezvous.token';

/** Thrown for a 401 or 403: the token is missing, wrong, or not allowed to read. */
export class Unauthorized extends Error {}

/** @returns {string} */
export function loadToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return ''; // storage disabled: the token is asked again on reload
  }
}

/** @param {string} token */
export function saveToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage disabled: keep working for this page's life
  }
}

/**
 * GET a JSON resource of the ops API.
 * @template T
 * @param {string} path
 * @param {string} token
 * @param {AbortSignal} [signal]
 * @returns {Promise<T>}
 */
export async function getJson(path, token, signal) {
  const response = await fetch(path, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    cache: 'no-store',
    signal,
  });
  if (response.status === 401 || response.status === 403) throw new Unauthorized(await errorMessage(response));
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return /** @type {Promise<T>} */ (response.json());
}

/**
 * What the daemon said in its error body (it says whether a token is configured at all), shown as
 * text; a fixed sentence when the body is not the API's.
 * @param {Response} response
 * @returns {Promise<string>}
 */
async function errorMessage(response) {
  const body = await response.json().catch(() => null);
  const message = body?.error?.message;
  return typeof message === 'string' ? message.slice(0, 300) : `The daemon refused the token (HTTP ${response.status}).`;
}

/**
 * The URL of the event stream: EventSource cannot send headers, so the token goes in the query.
 * @param {string} token
 * @returns {string}
 */
export function eventsUrl(token) {
  return `/api/events?token=${encodeURIComponent(token)}`;
}
