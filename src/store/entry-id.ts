/** Parses a stream entry id (`ms-seq`, or `ms` alone) into comparable numbers. */
export function parseEntryId(id: string): [number, number] {
  const [ms, seq] = id.split('-');
  return [Number(ms ?? 0), Number(seq ?? 0)];
}

/** Stream order of two entry ids: negative when `a` comes first. */
export function compareEntryIds(a: string, b: string): number {
  const [aMs, aSeq] = parseEntryId(a);
  const [bMs, bSeq] = parseEntryId(b);
  return aMs - bMs || aSeq - bSeq;
}
