/** Parses a stream entry id (`ms-seq`, or `ms` alone) into comparable numbers. */
export function parseEntryId(id: string): [number, number] {
  const dash = id.indexOf('-');
  return dash < 0 ? [Number(id), 0] : [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}

/** When the store appended an entry: the ms part of its id (store-clock ms). */
export function entryTime(id: string): number {
  const dash = id.indexOf('-');
  return Number(dash < 0 ? id : id.slice(0, dash));
}

/** Stream order of two entry ids: negative when `a` comes first. Called per pushed entry: no arrays. */
export function compareEntryIds(a: string, b: string): number {
  const byMs = entryTime(a) - entryTime(b);
  if (byMs !== 0) return byMs;
  const aDash = a.indexOf('-');
  const bDash = b.indexOf('-');
  return (aDash < 0 ? 0 : Number(a.slice(aDash + 1))) - (bDash < 0 ? 0 : Number(b.slice(bDash + 1)));
}
