import { spawn, type ChildProcess } from 'node:child_process';

/** A finished process: its exit code (null when killed) and all it printed. */
export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** The whole environment of the process (nothing is inherited unless passed). */
  env?: NodeJS.ProcessEnv;
  /** Written to its stdin, which is then closed; without it stdin is closed at once. */
  input?: string;
  /** Killed (SIGKILL) after this long; its run then has code null. */
  timeoutMs?: number;
  cwd?: string;
  /** Told the process once it is spawned (to kill it from an `after` hook). */
  started?: (child: ChildProcess) => void;
}

/** Runs `command` to its end and collects its output: a test never hangs on a process. */
export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? {}, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    options.started?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined); // a process that exits without reading its input
    child.stdin.end(options.input ?? '');
  });
}
