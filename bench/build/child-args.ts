import { fileURLToPath } from 'node:url';

/** Node arguments for a benchmark child running a TypeScript file: tsx, with the library loaded from its build. */
export const TS_CHILD_ARGS: readonly string[] = ['--import', 'tsx', '--import', fileURLToPath(new URL('./register.mjs', import.meta.url))];
