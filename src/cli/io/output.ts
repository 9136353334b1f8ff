/**
 * What commands print: JSON for machines (`--json`: one document, or one object per line for
 * streams), aligned tables for people, colour only on a terminal that has it and never with
 * NO_COLOR (Node's hasColors() reads NO_COLOR, FORCE_COLOR and the terminal).
 */
import { inspect } from 'node:util';

export interface Out {
  write(text: string): void;
  /** Whether colour may be used. */
  readonly colors: boolean;
}

export const stdout: Out = {
  write: (text) => void process.stdout.write(text),
  get colors() {
    return process.stdout.isTTY === true && process.stdout.hasColors?.() === true && !process.env.NO_COLOR;
  },
};

/** One JSON document, or (for streams) one line. */
export function printJson(value: unknown, out: Out = stdout): void {
  out.write(`${JSON.stringify(value)}\n`);
}

const STYLES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39] } as const;
export type Style = keyof typeof STYLES;

/** `text` in a style when colour is on; plain otherwise. */
export function paint(text: string, style: Style, out: Out = stdout): string {
  if (!out.colors) return text;
  const [open, close] = STYLES[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** Visible width: without colour codes. */
function width(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[\d+m/g, '').length;
}

/** A table: a header row and aligned columns, numbers to the right. Cells are strings already formatted. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[], out: Out = stdout): void {
  const widths = header.map((title, i) => Math.max(width(title), ...rows.map((row) => width(row[i] ?? ''))));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((row) => /^-?[\d.,]+( ?[a-zµ%]+)?$|^-$/.test(row[i] ?? '')));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat(Math.max(0, widths[i]! - width(cell)));
        return numeric[i] ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  out.write(`${line(header.map((title) => paint(title, 'bold', out)))}\n`);
  for (const row of rows) out.write(`${line(row)}\n`);
}

/** A value for a table cell or a message: strings as they are, anything else inspected on one line. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  return typeof value === 'string' ? value : inspect(value, { breakLength: Infinity, compact: true });
}

/**
 * A reader that went away (`rendezvous coordinators | head -3`) ends the command quietly, with
 * the exit code it has so far, as Unix tools do; without this, Node reports the EPIPE as an
 * unhandled 'error' event and a stack trace.
 */
export function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit();
    });
  }
}
