// @ts-check
// A small line chart as inline SVG. Only numbers go into it, never API strings.

/**
 * @param {(number | null)[]} values oldest first; null leaves a gap
 * @param {{ label: string, width?: number, height?: number }} options label: the accessible name
 * @returns {string}
 */
export function sparkline(values, { label, width = 300, height = 48 }) {
  const finite = /** @type {number[]} */ (values.filter((v) => v !== null && Number.isFinite(v)));
  const max = Math.max(1e-9, ...finite);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  /** @type {string[]} */
  const runs = [];
  let run = '';
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (run) runs.push(run);
      run = '';
      return;
    }
    const x = (i * step).toFixed(1);
    const y = (height - 2 - (v / max) * (height - 4)).toFixed(1);
    run += `${run ? ' ' : ''}${x},${y}`;
  });
  if (run) runs.push(run);
  const lines = runs.map((points) => (points.includes(' ') ? `<polyline points="${points}"/>` : `<circle r="1.5" cx="${points.split(',')[0]}" cy="${points.split(',')[1]}"/>`)).join('');
  return `<svg class="spark" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" role="img" aria-label="${label.replace(/"/g, '')}"><line class="base" x1="0" y1="${height - 1}" x2="${width}" y2="${height - 1}"/>${lines}</svg>`;
}
