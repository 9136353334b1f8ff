// @ts-check
// How long rendering takes, kept for whoever asks (the browser test, an operator in the console:
// `rendezvousTimings`): the last few figures per name, in ms. Bounded: the page runs for days.

const KEEP = 50;
/** @type {Record<string, number[]>} */
const timings = {};
/** @type {{ rendezvousTimings?: Record<string, number[]> }} */ (/** @type {unknown} */ (globalThis)).rendezvousTimings = timings;

/**
 * @param {string} name
 * @param {number} ms
 */
export function recordTiming(name, ms) {
  const list = (timings[name] ??= []);
  list.push(Math.round(ms * 100) / 100);
  if (list.length > KEEP) list.shift();
}
