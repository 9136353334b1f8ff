/**
 * The `replaces` of a stored spawn request (`coordinator:spawn:{<swarm>}:<new>`), or undefined when
 * the body is missing, not JSON or has no string there. Read back from the store, where anyone who
 * can write to Redis may have put anything: parsing never throws, and the caller checks the id.
 */
export function replacesOf(body: string | null | undefined): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const replaces = (JSON.parse(body) as { replaces?: unknown } | null)?.replaces;
    return typeof replaces === 'string' && replaces !== '' ? replaces : undefined;
  } catch {
    return undefined;
  }
}
