import { mkdir, writeFile } from 'node:fs/promises';
import { targetMet, type Row } from './table.js';
import type { Machine } from './environment.js';

export interface RunInfo {
  date: string;
  profile: string;
  machine: Machine;
  node: string;
  redis: string;
  logLevel: string;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Writes every figure of the run (and the raw samples) to bench/results/<ISO timestamp>.json; returns the path. */
export async function writeResults(info: RunInfo, rows: readonly Row[], samples: ReadonlyMap<Row, readonly number[]>): Promise<string> {
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  // ISO 8601 with ':' replaced, so the name is valid on every file system.
  const file = new URL(`${info.date.replaceAll(':', '-')}.json`, dir);
  const document = {
    schema: 1,
    ...info,
    rows: rows.map((row, index) => ({
      scenario: row.scenario,
      name: row.name,
      store: row.store,
      warmup: row.warmup,
      ...Object.fromEntries(Object.entries(row.summary).map(([k, v]) => [k, round1(v)])),
      peer: row.peer ?? null,
      target: row.target ? { ...row.target, pass: targetMet(row) } : null,
      // A placeholder, replaced below so each row's samples stay on one line.
      samplesUs: `@samples:${index}`,
    })),
  };
  const text = JSON.stringify(document, null, 2).replace(/"@samples:(\d+)"/g, (_, index: string) =>
    JSON.stringify((samples.get(rows[Number(index)]!) ?? []).map(round1)),
  );
  await writeFile(file, `${text}\n`);
  return file.pathname;
}
