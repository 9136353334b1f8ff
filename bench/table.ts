import type { Peer } from './peers.js';
import type { Summary } from './stats.js';

/** A latency target for one row, e.g. p50 at most 400 µs. */
export interface Target {
  metric: 'p50Us' | 'p99Us';
  maxUs: number;
}

export interface Row {
  /** The scenario id, e.g. `round-trip`. */
  scenario: string;
  name: string;
  store: string;
  warmup: number;
  summary: Summary;
  /** The peer figure this row compares against, if any. */
  peer?: Peer;
  target?: Target;
}

export function targetMet(row: Row): boolean | undefined {
  return row.target === undefined ? undefined : row.summary[row.target.metric] <= row.target.maxUs;
}

const int = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-');

type Align = 'left' | 'right';
interface Column {
  title: string;
  align: Align;
  cell(row: Row, index: number): string;
}

/** Formats rows as an aligned plain-text table, with footnotes for reference peers and targets. */
export function formatTable(rows: readonly Row[]): string {
  const references = [...new Set(rows.flatMap((r) => (r.peer && !r.peer.measured ? [r.peer] : [])))];
  const mark = (peer: Peer): string => '*'.repeat(references.indexOf(peer) + 1);
  const columns: Column[] = [
    { title: 'row', align: 'left', cell: (r) => r.name },
    { title: 'store', align: 'left', cell: (r) => r.store },
    { title: 'n', align: 'right', cell: (r) => int(r.summary.n) },
    { title: 'p50 µs', align: 'right', cell: (r) => int(r.summary.p50Us) },
    { title: 'p99 µs', align: 'right', cell: (r) => int(r.summary.p99Us) },
    { title: 'rate/s', align: 'right', cell: (r) => int(r.summary.ratePerSec) },
    {
      title: 'peer p50 µs',
      align: 'right',
      cell: (r) => (r.peer === undefined ? '-' : r.peer.measured ? int(r.peer.p50Us) : `~${int(r.peer.p50Us)} ref${mark(r.peer)}`),
    },
    {
      title: 'target',
      align: 'left',
      cell: (r) => (r.target === undefined ? '' : `${r.target.metric === 'p50Us' ? 'p50' : 'p99'} <= ${int(r.target.maxUs)}: ${targetMet(r) ? 'PASS' : 'MISS'}`),
    },
  ];
  const cells = rows.map((row, i) => columns.map((c) => c.cell(row, i)));
  const widths = columns.map((c, j) => Math.max(c.title.length, ...cells.map((line) => line[j]!.length)));
  const pad = (text: string, j: number): string => (columns[j]!.align === 'left' ? text.padEnd(widths[j]!) : text.padStart(widths[j]!));
  const line = (parts: string[]): string => parts.map(pad).join('  ').trimEnd();
  const out = [line(columns.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  for (const peer of references) {
    out.push(`${mark(peer)} ${peer.label}, ${peer.source ?? 'reference'}: ~${int(peer.p50Us)} µs p50 (reference, not measured in this run)`);
  }
  return out.join('\n');
}
