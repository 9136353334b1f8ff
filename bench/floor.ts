/**
 * The physical floor of a round trip on this machine: the round trip's Redis traffic with no
 * library code. A script appends a message and publishes it on the receiver's channel; the
 * receiver, on the push, runs a script that appends and publishes the ACK notice on the sender's
 * channel; the sender's push ends it. Same private redis-server, same client (ioredis), same
 * process, same number of connections as a Rendezvous store pair (a command connection each way
 * and a subscriber each way). `pingFirst` sends each script with a PING ahead in the same write,
 * as the store sends a lone send or ACK.
 */
import { once } from 'node:events';
import { Redis } from 'ioredis';
import type { Step } from './alternate.js';

const SCRIPT = 'redis.call("XADD", KEYS[1], "MAXLEN", "~", "1000", "*", "m", ARGV[2]) redis.call("PUBLISH", ARGV[1], ARGV[2]) return 1';

export interface FloorSteps {
  /** One raw push round trip. */
  plain: Step;
  /** The same with a PING ahead of each script call. */
  pingFirst: Step;
}

/** Runs `body` with the two raw round trips on `url`; closes the connections after it. */
export async function withFloor<T>(url: string, body: (steps: FloorSteps) => Promise<T>): Promise<T> {
  const a = new Redis(url);
  const b = new Redis(url);
  const aSub = new Redis(url);
  const bSub = new Redis(url);
  try {
    const sha = (await a.script('LOAD', SCRIPT)) as string;
    let pingFirst = false;
    const run = (client: Redis, key: string, channel: string, message: string): Promise<unknown> => {
      if (!pingFirst) return client.evalsha(sha, 1, key, channel, message);
      // One write, as the store sends it (src/store/redis/lua-script.ts): no ioredis Pipeline.
      client.stream.cork();
      try {
        void client.ping();
        return client.evalsha(sha, 1, key, channel, message);
      } finally {
        client.stream.uncork();
      }
    };
    await bSub.subscribe('floor-inbox-b');
    await aSub.subscribe('floor-notices-a');
    bSub.on('message', (_channel: string, message: string) => void run(b, 'floor-notices', 'floor-notices-a', message));
    const step = (ping: boolean): Step => async (n) => {
      pingFirst = ping;
      const acked = once(aSub, 'message');
      await run(a, 'floor-inbox', 'floor-inbox-b', String(n));
      await acked;
    };
    return await body({ plain: step(false), pingFirst: step(true) });
  } finally {
    for (const c of [a, b, aSub, bSub]) c.disconnect();
  }
}
