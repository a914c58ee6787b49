/** A step of the demo workflow, as far as planning goes. */
export interface DemoStep {
  id: string;
  harness: string;
  needs: string[];
}

/** Which demo steps run, and why the others do not. */
export interface DemoPlan {
  run: string[];
  skipped: Array<{ id: string; harness: string; why: string }>;
}

/**
 * Run the steps whose harness CLI is present and whose `needs` all run; skip the others, saying
 * why. Contract: pure; keeps the workflow's step order; `present` is asked once per harness.
 */
export function planDemo(steps: DemoStep[], present: (harness: string) => boolean): DemoPlan {
  const have = new Map<string, boolean>();
  const has = (h: string): boolean => {
    if (!have.has(h)) have.set(h, present(h));
    return have.get(h)!;
  };
  const running = new Set<string>();
  const plan: DemoPlan = { run: [], skipped: [] };
  // steps come in dependency order in the demo file; a step after its needs is all this needs
  for (const s of steps) {
    const missingNeed = s.needs.find((n) => !running.has(n));
    if (!has(s.harness))
      plan.skipped.push({ id: s.id, harness: s.harness, why: `the ${s.harness} CLI is not installed` });
    else if (missingNeed !== undefined)
      plan.skipped.push({ id: s.id, harness: s.harness, why: `it needs ${missingNeed}, which is skipped` });
    else {
      running.add(s.id);
      plan.run.push(s.id);
    }
  }
  return plan;
}
