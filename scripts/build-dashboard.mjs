// tsc does not copy assets: the dashboard's files are served as they are written, so the build
// copies them beside the compiled daemon (dist/server/dashboard/), where its static route finds them.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';

const from = new URL('../src/server/dashboard/', import.meta.url);
const to = new URL('../dist/server/dashboard/', import.meta.url);
rmSync(to, { recursive: true, force: true });
mkdirSync(to, { recursive: true });
for (const file of readdirSync(from).filter((name) => /\.(html|js|css|svg)$/.test(name))) {
  copyFileSync(new URL(file, from), new URL(file, to));
}
