import { runProcess } from './run-process.js';

/** Runs promtool with `input` on stdin: its exit code and every line it printed. */
export async function promtool(args: string[], input: string): Promise<{ code: number | null; lines: string[] }> {
  const { code, stdout, stderr } = await runProcess('promtool', args, { env: { PATH: process.env.PATH }, input, timeoutMs: 30_000 });
  return { code, lines: `${stdout}${stderr}`.split('\n').filter((line) => line.trim() !== '') };
}
