/**
 * The cycles of a wait-for graph (coordinator -> the coordinators it waits for), each once,
 * rotated to start at its smallest id. A chain without a cycle gives none. Depth-first without
 * recursion: the graph comes from records anyone who can write to Redis can forge, and a chain of
 * a hundred thousand must not overflow the stack.
 */
export function findCycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const found = new Map<string, string[]>();
  const onPath = new Map<string, number>();
  const path: string[] = [];
  const finished = new Set<string>();
  /** Per node on the path: what it still has to visit. */
  const pending: Iterator<string>[] = [];
  const enter = (node: string): void => {
    onPath.set(node, path.length);
    path.push(node);
    pending.push((graph.get(node) ?? new Set<string>()).values());
  };
  for (const root of graph.keys()) {
    if (finished.has(root)) continue;
    enter(root);
    while (path.length > 0) {
      const next = pending.at(-1)!.next();
      if (next.done) {
        const node = path.pop()!;
        pending.pop();
        onPath.delete(node);
        finished.add(node);
        continue;
      }
      const at = onPath.get(next.value);
      if (at !== undefined) {
        const cycle = path.slice(at);
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const canonical = [...cycle.slice(start), ...cycle.slice(0, start)];
        found.set(canonical.join(' '), canonical);
      } else if (!finished.has(next.value) && graph.has(next.value)) enter(next.value);
    }
  }
  return [...found.values()];
}
