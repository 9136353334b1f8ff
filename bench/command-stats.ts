import { Redis } from 'ioredis';

/** Calls per command since the server started (INFO commandstats), on a connection of its own. */
export class CommandStats {
  readonly #client: Redis;

  constructor(url: string) {
    this.#client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  }

  async read(): Promise<Map<string, number>> {
    if (this.#client.status === 'wait') await this.#client.connect();
    const text = await this.#client.info('commandstats');
    const calls = new Map<string, number>();
    for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
    return calls;
  }

  close(): void {
    this.#client.disconnect();
  }
}

/** Calls per command between two readings, without the INFO calls that took them. */
export function callsBetween(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [command, calls] of after) {
    if (command === 'info') continue;
    const d = calls - (before.get(command) ?? 0);
    if (d > 0) delta.set(command, d);
  }
  return delta;
}
