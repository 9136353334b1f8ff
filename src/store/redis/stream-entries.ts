import { entryTime } from '../entry-id.js';
import type { StreamEntry } from '../roles/common.js';

type RawEntry = [id: string, fields: string[] | null];
export type RawStreams = [key: string, entries: RawEntry[]][] | null;

/** Turns XREAD/XREADGROUP replies into entries; the body is the entry's one field value. */
export function toEntries(reply: RawStreams): StreamEntry[] {
  const entries = reply?.[0]?.[1] ?? [];
  return entries.map(([id, fields]) => ({ entryId: id, time: entryTime(id), body: fields?.[1] ?? null }));
}
