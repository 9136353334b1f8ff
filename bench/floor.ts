/**
 * The physical floor of a round trip on this machine: the round trip's Redis traffic with no
 * library code. A script appends a message and publishes it on the receiver's channel; the
 * receiver, on the push, runs a script that appends and publishes the ACK notice on the sender's
 * channel; the sender's push ends it. Same private redis-server, same client (ioredis), same
 * process, same number of connections as a Rendezvous store pair (a command connection each way
 * and a subscriber each way). `pingFirst` sends each script with a PING ahead in the same write,
 * as the store sends a lone send or ACK. `withCodec` is `pingFirst` carrying real messages: the
 * sender signs a signal, the receiver checks it (JSON, schema, HMAC) and signs an ACK, the sender
 * checks the ACK, with the library's own protocol functions and nothing else of it: what the
 * messages' required signing and checking cost on top of the floor.
 */
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { decodeAck, encodeAck } from '../src/protocol/ack.js';
import { Keyring } from '../src/protocol/keyring.js';
import { decodeSignal, encodeSignal } from '../src/protocol/signal.js';
import type { Step } from './alternate.js';

const SCRIPT = 'redis.call("XADD", KEYS[1], "MAXLEN", "~", "1000", "*", "m", ARGV[2]) redis.call("PUBLISH", ARGV[1], ARGV[2]) return 1';

export interface FloorSteps {
  /** One raw push round trip. */
  plain: Step;
  /** The same with a PING ahead of each script call. */
  pingFirst: Step;
  /** PING first, carrying a signed signal and a signed ACK, each checked by its reader. */
  withCodec: Step;
}

/** What the floor's messages are checked against: a day-long replay window and the default size limit. */
const CHECK = { replayWindowMs: 86_400_000, maxBodyBytes: 65_536 };

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
    const keyring = new Keyring(randomBytes(32));
    let codec = false;
    // The receiver's side: with the codec, the signal is checked and a signed ACK goes back instead of the message itself.
    bSub.on('message', (_channel: string, message: string) => {
      if (!codec) return void run(b, 'floor-notices', 'floor-notices-a', message);
      const signal = decodeSignal(message, Date.now(), { keyring, receiverId: 'floor-b', ...CHECK });
      if (!signal.ok) throw new Error(`floor: ${signal.detail}`);
      const { messageId, senderId, iteration } = signal.value;
      const ack = encodeAck({ messageId, coordinatorId: 'floor-b', senderId, status: 'received', timestamp: Date.now(), ...(iteration === undefined ? {} : { iteration }) }, keyring);
      void run(b, 'floor-notices', 'floor-notices-a', ack.body);
    });
    const step = (ping: boolean, withCodec = false): Step => async (n) => {
      pingFirst = ping;
      codec = withCodec;
      const acked = once(aSub, 'message') as Promise<[string, string]>;
      const message = withCodec ? encodeSignal({ senderId: 'floor-a', receiverId: 'floor-b', type: 'wake', timestamp: Date.now(), seq: n + 1, iteration: n }, keyring).body : String(n);
      await run(a, 'floor-inbox', 'floor-inbox-b', message);
      const [, notice] = await acked;
      if (!withCodec) return;
      const ack = decodeAck(notice, Date.now(), { keyring, senderId: 'floor-a', ...CHECK });
      if (!ack.ok) throw new Error(`floor: ${ack.detail}`);
    };
    return await body({ plain: step(false), pingFirst: step(true), withCodec: step(true, true) });
  } finally {
    for (const c of [a, b, aSub, bSub]) c.disconnect();
  }
}
