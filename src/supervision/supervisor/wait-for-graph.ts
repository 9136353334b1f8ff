/**
 * The cycles of a wait-for graph (coordinator -> the coordinators it waits for), each once,
 * rotated to start at its smallest id. A chain without a cycle gives none.
 */
export function findCycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const found = new Map<string, string[]>();
  const onPath = new Map<string, number>();
  const path: string[] = [];
  const finished = new Set<string>();
  const visit = (node: string) => {
    onPath.set(node, path.length);
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const at = onPath.get(next);
      if (at !== undefined) {
        const cycle = path.slice(at);
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const canonical = [...cycle.slice(start), ...cycle.slice(0, start)];
        found.set(canonical.join(' '), canonical);
      } else if (!finished.has(next) && graph.has(next)) visit(next);
    }
    path.pop();
    onPath.delete(node);
    finished.add(node);
  };
  for (const node of graph.keys()) if (!finished.has(node)) visit(node);
  return [...found.values()];
}
