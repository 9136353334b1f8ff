import { createHash } from 'node:crypto';
import { Cluster, type Redis } from 'ioredis';
import { readLuaScript } from './lua-source.js';

export type RedisClient = Redis | Cluster;

/** One script call's KEYS (first, all in one hash slot) and ARGV. */
export interface ScriptCall {
  keys: readonly string[];
  args: readonly (string | number)[];
}

/** What one script module (scripts/) says about its script: its file, how to call it, how to read its reply. */
export interface ScriptSpec<Input, Output> {
  /** The `.lua` file in lua/. */
  file: string;
  call(input: Input): ScriptCall;
  /** The reply as its caller's type (`input` is the call's, for what the reply leaves out). */
  parse(reply: unknown, input: Input): Output;
}

const ignore = (): undefined => undefined;

/** Where the scripts are: lua/ beside this module (dist/store/redis/lua/ once built, its includes expanded). */
const LUA_DIR = new URL('./lua/', import.meta.url);

/**
 * A Lua script from a `.lua` file beside this one (its includes expanded), called by SHA with a
 * fallback to EVAL on NOSCRIPT (a restarted or failed-over Redis has an empty script cache), with
 * typed input and output. The file is read (and hashed) on the first call, not when the module
 * loads: a process that uses two scripts (a CLI read command) reads two files, not twenty.
 */
export class LuaScript<Input, Output> {
  readonly name: string;
  readonly #spec: ScriptSpec<Input, Output>;
  #loaded: { source: string; sha: string } | undefined;

  constructor(spec: ScriptSpec<Input, Output>) {
    this.name = spec.file;
    this.#spec = spec;
  }

  /** The script's source, includes expanded, and its SHA1: read once, on first use. */
  get #script(): { source: string; sha: string } {
    if (this.#loaded === undefined) {
      const source = readLuaScript(LUA_DIR, this.#spec.file);
      this.#loaded = { source, sha: createHash('sha1').update(source).digest('hex') };
    }
    return this.#loaded;
  }

  async run(client: RedisClient, input: Input): Promise<Output> {
    const { keys, args } = this.#spec.call(input);
    let reply: unknown;
    try {
      reply = await client.evalsha(this.#script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      reply = await this.#evalOnNoScript(client, keys, args, error);
    }
    return this.#spec.parse(reply, input);
  }

  /**
   * Runs a script that PUBLISHes so that Redis writes the push before this reply. Redis writes
   * pending replies newest client first; a PING sent ahead in the same write queues this client
   * before the subscriber, so the receiver (often in this same process) starts at once instead of
   * after this reply is handled: about 40 µs less per hop of a sequential round trip here
   * (docs/performance.md). Only for a lone entry on a connection with at most one reply
   * outstanding (a sequential exchange): under load the extra command costs more than it saves. A
   * Cluster gets a plain call (its PUBLISH travels the cluster bus anyway).
   *
   * The two commands go as one write by corking the socket around them, not as an ioredis
   * Pipeline: a Pipeline defines an accessor on each instance, and what each one allocates then
   * outlives young-generation collections (about 3 MB promoted per scavenge in a sequential
   * exchange, against 14 KB without), which made every scavenge a long pause and brought
   * mark-compacts: the round trip's tail (docs/performance.md, "Where the tail came from").
   */
  runPushFirst(client: RedisClient, input: Input, entries: number): Promise<Output> {
    if (client instanceof Cluster || entries > 1 || client.commandQueue.length > 1 || client.status !== 'ready' || !client.stream) return this.run(client, input);
    const { keys, args } = this.#spec.call(input);
    const { stream } = client;
    let reply: Promise<unknown>;
    stream.cork();
    try {
      client.ping().catch(ignore); // its failure is the script call's too
      reply = client.evalsha(this.#script.sha, keys.length, ...keys, ...args);
    } finally {
      stream.uncork();
    }
    // Chained, not awaited: this runs for every lone send and ACK, and an async function is two more promises.
    return reply.then(
      (value) => this.#spec.parse(value, input),
      (error: unknown) => this.#evalOnNoScript(client, keys, args, error).then((value) => this.#spec.parse(value, input)),
    );
  }

  #evalOnNoScript(client: RedisClient, keys: readonly string[], args: readonly (string | number)[], error: unknown): Promise<unknown> {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return client.eval(this.#script.source, keys.length, ...keys, ...args);
  }
}
