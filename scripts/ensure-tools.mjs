#!/usr/bin/env node
// Makes sure the test suite's system tools are available: redis-server and redis-cli, jq and
// openssl (runbook tests), promtool (metrics and alert rules) and chromium (the dashboard's browser test).
// Installs them with apt-get when running as root; otherwise explains how.
// The tests start their own private redis-server processes (see
// test/support/redis-server.ts) and never use a system service.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

const REQUIRED = ['redis-server', 'redis-cli', 'jq', 'openssl', 'promtool', 'chromium'];
// --no-install-recommends: prometheus recommends exporters and chromium a desktop's worth of packages.
const APT_PACKAGES = ['redis-server', 'redis-tools', 'jq', 'openssl', 'prometheus', 'chromium'];
const INSTALL_CMD = `apt-get update && apt-get install -y --no-install-recommends ${APT_PACKAGES.join(' ')}`;

function onPath(binary) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, binary), constants.X_OK);
      return true;
    } catch {
      // keep looking
    }
  }
  return false;
}

function sh(command) {
  const result = spawnSync('sh', ['-c', command], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function firstLine(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) return `${command}: unavailable`;
  return `${result.stdout}${result.stderr}`.trim().split('\n')[0] ?? '';
}

let missing = REQUIRED.filter((binary) => !onPath(binary));

if (missing.length > 0) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(
      `ensure-tools: missing ${missing.join(', ')}. Install them with:\n\n  sudo sh -c '${INSTALL_CMD}'\n`,
    );
    process.exit(1);
  }

  console.log(`ensure-tools: missing ${missing.join(', ')}; running: ${INSTALL_CMD}`);
  const status = sh(INSTALL_CMD);
  // The Debian packages may start system redis-server and prometheus services; the tests never
  // use a preexisting server, so stop them again.
  sh('service redis-server stop >/dev/null 2>&1 || true');
  sh('service prometheus stop >/dev/null 2>&1 || true');
  if (status !== 0) {
    console.error(`ensure-tools: apt-get failed with exit code ${status}`);
    process.exit(status);
  }

  missing = REQUIRED.filter((binary) => !onPath(binary));
  if (missing.length > 0) {
    console.error(`ensure-tools: still missing after install: ${missing.join(', ')}`);
    process.exit(1);
  }
}

console.log(
  `ensure-tools: ${firstLine('redis-server', ['--version'])}; ${firstLine('redis-cli', ['--version'])}; ${firstLine('jq', ['--version'])}; ${firstLine('promtool', ['--version'])}; ${firstLine('chromium', ['--version'])}`,
);
