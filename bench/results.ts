import { mkdir, writeFile } from 'node:fs/promises';
import { ratioOf, targetMet, type Row } from './figures.js';
import type { Machine } from './environment.js';

export interface RunInfo {
  date: string;
  profile: string;
  machine: Machine;
  node: string;
  redis: string;
  bullmq: string;
  logLevel: string;
  /** What the rows loaded: the build (dist/, what users run) or the source under tsx. */
  library: string;
  /** 1-minute load average of the machine when the run started and ended (other work on the 2 cores skews figures). */
  loadAverage: { start: number; end?: number };
  /** Wall time of the whole run, s. */
  durationSec?: number;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round3 = (x: number): number => Math.round(x * 1_000) / 1_000;

/** Writes every figure of the run (and the raw samples) to bench/results/<ISO timestamp>.json; returns the path. */
export async function writeResults(info: RunInfo, rows: readonly Row[]): Promise<string> {
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  // ISO 8601 with ':' replaced, so the name is valid on every file system.
  const file = new URL(`${info.date.replaceAll(':', '-')}.json`, dir);
  const samples: (readonly number[])[] = [];
  // A placeholder, replaced below so each sample list stays on one line.
  const placeholder = (values: readonly number[] | undefined) => (values === undefined ? null : `@samples:${samples.push(values) - 1}`);
  const document = {
    schema: 2,
    ...info,
    rows: rows.map((row) => ({
      id: row.id,
      key: row.key,
      title: row.title,
      figures: row.figures.map((f) => ({
        metric: f.metric,
        unit: f.unit,
        ours: round3(f.ours),
        bullmq: f.bullmq === undefined ? null : round3(f.bullmq),
        ratio: ratioOf(f) === undefined ? null : round3(ratioOf(f)!),
        target: f.target ? { ...f.target, pass: targetMet(f) } : null,
      })),
      pending: row.pending ?? [],
      details: row.details ?? {},
      samples: { ours: placeholder(row.samples?.ours), bullmq: placeholder(row.samples?.bullmq) },
    })),
  };
  const text = JSON.stringify(document, null, 2).replace(/"@samples:(\d+)"/g, (_, index: string) => JSON.stringify(samples[Number(index)]!.map(round1)));
  await writeFile(file, `${text}\n`);
  return file.pathname;
}
