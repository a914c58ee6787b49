/** The shape of a step the graph functions need. */
export interface GraphStep {
  id: string;
  needs: string[];
}

/** Find a dependency cycle; returns its ids with the first repeated at the end, or undefined. */
export function findCycle(steps: GraphStep[]): string[] | undefined {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const s = state.get(id);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of byId.get(id)?.needs ?? []) {
      if (!byId.has(dep)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const step of steps) {
    const cycle = visit(step.id);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Every step `id` depends on, directly or not. Contract: the graph has no cycle. */
export function ancestorsOf(id: string, steps: GraphStep[]): Set<string> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const out = new Set<string>();
  const todo = [...(byId.get(id)?.needs ?? [])];
  while (todo.length) {
    const next = todo.pop()!;
    if (out.has(next)) continue;
    out.add(next);
    todo.push(...(byId.get(next)?.needs ?? []));
  }
  return out;
}

/** Every step that depends on `id`, directly or not. */
export function descendantsOf(id: string, steps: GraphStep[]): Set<string> {
  const out = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of steps) {
      if (out.has(s.id)) continue;
      if (s.needs.some((n) => n === id || out.has(n))) {
        out.add(s.id);
        grew = true;
      }
    }
  }
  return out;
}
