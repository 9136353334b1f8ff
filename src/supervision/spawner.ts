import { spawn } from 'node:child_process';
import { childEnv } from '../core/child-env.js';
import { assertId } from '../protocol/ids.js';
import type { Logger } from '../protocol/logger.js';

/** What a replacement needs to start: its id, the dead coordinator it replaces, and their swarm. */
export interface SpawnRequest {
  replacementId: string;
  replaces: string;
  swarmId: string;
}

/** The port that starts replacement coordinators. */
export interface Spawner {
  spawn(request: SpawnRequest): Promise<void>;
}

/** The default: escalation has already recorded the request (`coordinator:spawn:{swarm}:<new>`); an operator or an orchestrator acts on it. */
export const recordOnlySpawner: Spawner = {
  async spawn() {},
};

/** What a command template's placeholders stand for; `{newId}` and `{deadId}` are the older names. */
const PLACEHOLDERS: Record<string, (request: SpawnRequest) => string> = {
  '{replacementId}': (r) => r.replacementId,
  '{newId}': (r) => r.replacementId,
  '{replaces}': (r) => r.replaces,
  '{deadId}': (r) => r.replaces,
  '{swarmId}': (r) => r.swarmId,
};

/**
 * Runs a command template per replacement, e.g. `node agent.js --id {replacementId} --replaces
 * {replaces} --swarm {swarmId}` (`{newId}` = `{replacementId}`, `{deadId}` = `{replaces}`). The
 * template is split on spaces and run without a shell; each id is checked by the id rule again
 * before it fills a placeholder (InvalidIdError), so nothing else ever reaches the argv. The
 * process gets a minimal environment (PATH, HOME, locale, TMPDIR) plus `env`, never this process's
 * secret unless `env` passes it; it is detached from the supervisor's lifetime. A command that
 * cannot start rejects (the handler reports `escalation:failed`).
 */
export function commandSpawner(template: string, options: { logger?: Logger; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Spawner {
  return {
    spawn(request) {
      try {
        assertId(request.replacementId, 'coordinator id');
        assertId(request.replaces, 'coordinator id');
        assertId(request.swarmId, 'swarm id');
      } catch (error) {
        return Promise.reject(error);
      }
      const fill = (part: string) => Object.entries(PLACEHOLDERS).reduce((text, [placeholder, value]) => text.replaceAll(placeholder, value(request)), part);
      const [command, ...args] = template.split(/\s+/).filter(Boolean).map(fill);
      if (!command) return Promise.reject(new Error('empty spawn command template'));
      return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd: options.cwd, env: childEnv({ extra: options.env }), detached: true, stdio: 'ignore' });
        child.once('error', reject);
        child.once('spawn', () => {
          child.unref();
          options.logger?.info({ ...request, pid: child.pid }, 'replacement coordinator started');
          resolve();
        });
      });
    },
  };
}
