// @ts-check

/**
 * A duration for a human: "850 ms", "12.3 s", "4 min 05 s", "2 h 10 min".
 * @param {number | null | undefined} ms
 * @returns {string}
 */
export function duration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/**
 * A wall-clock time of day (local), to the second.
 * @param {number} epochMs
 * @returns {string}
 */
export function clock(epochMs) {
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) return '–';
  return d.toLocaleTimeString(undefined, { hour12: false });
}

/**
 * A latency in ms with a precision that fits it.
 * @param {number | null} ms
 * @returns {string}
 */
export function latency(ms) {
  if (ms === null || !Number.isFinite(ms)) return '–';
  if (ms < 1) return '< 1 ms'; // the daemon measures whole milliseconds
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
