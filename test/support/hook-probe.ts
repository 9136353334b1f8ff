import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A hook command that records what it was given and holds until released, to measure from outside
 * which hooks ran, with which environment, and how many at once. Each run writes its environment to
 * `env.<pid>` and a start marker, then waits for a shared lock on `gate` (flock, no polling) that
 * the probe holds exclusively until release(), then writes an end marker. While the gate is held,
 * the start markers are exactly the hook processes running at once. Each run also creates a file
 * named by $AGENT_ID under `agents/` (the hook that wrote outside its directory).
 */
export class HookProbe {
  readonly dir: string;
  readonly command: string;
  #holder: ChildProcess | undefined;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(path.join(dir, 'agents'), { recursive: true });
    const q = (name: string) => `'${path.join(dir, name)}'`;
    this.command = [
      `env -0 > ${q('env')}.$$`,
      `: > ${q('start')}.$$`,
      `: > ${q('agents')}/"$AGENT_ID"`,
      `flock -s ${q('gate')} true`,
      `: > ${q('end')}.$$`,
    ].join('; ');
  }

  /** Takes the gate: hooks started from now on wait at it. */
  async hold(): Promise<void> {
    const holder = spawn('flock', ['-x', path.join(this.dir, 'gate'), 'sh', '-c', 'echo held; cat > /dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.#holder = holder;
    await once(holder.stdout!, 'data'); // the lock is taken
  }

  /** Opens the gate: every hook waiting at it, and every later one, runs to its end. Idempotent. */
  async release(): Promise<void> {
    const holder = this.#holder;
    this.#holder = undefined;
    if (!holder || holder.exitCode !== null) return;
    const exited = once(holder, 'exit');
    holder.stdin!.end(); // cat ends, flock lets go
    await exited;
  }

  get started(): number {
    return this.#count('start.');
  }

  get ended(): number {
    return this.#count('end.');
  }

  /** The environment of each hook run that has written it completely. */
  environments(): Record<string, string>[] {
    return readdirSync(this.dir)
      .filter((name) => name.startsWith('env.'))
      .flatMap((name) => {
        const text = readFileSync(path.join(this.dir, name), 'utf8');
        if (!text.endsWith('\0')) return []; // still being written
        return [Object.fromEntries(text.split('\0').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]))];
      });
  }

  /** The names hooks created under agents/. */
  agentFiles(): string[] {
    return readdirSync(path.join(this.dir, 'agents')).sort();
  }

  #count(prefix: string): number {
    return readdirSync(this.dir).filter((name) => name.startsWith(prefix)).length;
  }
}
