import type { Redis } from 'ioredis';
import { redactText } from '../../protocol/redact.js';

/** How a data node is named in start-up checks' messages: its address, or the Sentinel master's name. */
export function nodeName(node: Redis): string {
  const { sentinels, name: masterName, host, port } = node.options;
  return sentinels?.length ? `the master ${masterName ?? ''} of Sentinel` : `${host ?? 'localhost'}:${port ?? 6379}`;
}

/** A start-up query that fails after `ms` instead of waiting on a node that does not answer. */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** An error's message for a log line, credentials removed. */
export const messageOf = (error: unknown): string => redactText(error instanceof Error ? error.message : String(error));
