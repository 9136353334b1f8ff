import { spawn } from 'node:child_process';

/** Runs promtool with `input` on stdin: its exit code and every line it printed. */
export function promtool(args: string[], input: string): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, lines: output.split('\n').filter((line) => line.trim() !== '') }));
    child.stdin.end(input);
  });
}
