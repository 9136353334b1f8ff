import { ratioOf, targetMet, type Figure, type Row } from './figures.js';

const number = (x: number, decimals = 0): string =>
  Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }) : '-';

const verdict = (figure: Figure): string => {
  const met = targetMet(figure);
  return met === undefined ? '' : `${figure.target!.label}: ${met ? 'PASS' : 'MISS'}`;
};

/** One line of cells per figure; the row's title only on its first line. */
function cellsOf(row: Row): string[][] {
  const lines = row.figures.map((f, i) => {
    const ratio = ratioOf(f);
    return [
      i === 0 ? `${row.id} ${row.title}` : '',
      `${f.metric} ${f.unit}`.trim(),
      number(f.ours, f.decimals),
      f.bullmq === undefined ? '-' : number(f.bullmq, f.decimals),
      ratio === undefined ? '-' : `${ratio.toFixed(2)}×`,
      verdict(f),
    ];
  });
  for (const text of row.pending ?? []) lines.push([lines.length === 0 ? `${row.id} ${row.title}` : '', text, '', '', '', '']);
  return lines;
}

const TITLES = ['row', 'figure', 'rendezvous', 'BullMQ', 'ratio', 'target'];
const RIGHT = new Set([2, 3, 4]);

/** Formats rows as an aligned plain-text table; a pending text spans the figure columns. */
export function formatTable(rows: readonly Row[]): string {
  const cells = rows.flatMap(cellsOf);
  const pendingLine = (line: string[]) => line[2] === '' && line[3] === '' && line[1] !== '';
  const widths = TITLES.map((t, j) => Math.max(t.length, ...cells.filter((l) => !(j === 1 && pendingLine(l))).map((l) => l[j]!.length)));
  const pad = (text: string, j: number): string => (RIGHT.has(j) ? text.padStart(widths[j]!) : text.padEnd(widths[j]!));
  const line = (parts: string[]): string => (pendingLine(parts) ? `${pad(parts[0]!, 0)}  ${parts[1]}` : parts.map(pad).join('  ').trimEnd());
  return [line(TITLES), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** The PASS/MISS lines under the table. */
export function formatTargets(rows: readonly Row[]): string[] {
  return rows.flatMap((row) =>
    row.figures
      .filter((f) => f.target)
      .map((f) => {
        const ratio = ratioOf(f);
        const value = f.target!.on === 'ratio' ? `${ratio?.toFixed(2) ?? '-'}× (${number(f.ours, f.decimals)} vs ${number(f.bullmq ?? Number.NaN, f.decimals)} ${f.unit})` : `${number(f.ours, f.decimals)}${f.unit === '×' ? '' : ' '}${f.unit}`;
        return `target: ${row.title}, ${f.metric} ${f.target!.label}: ${targetMet(f) ? 'PASS' : 'MISS'} (${value})`;
      }),
  );
}
