import type { RunFilterArgs } from './runs.js';

/** Options of `compare --baseline/--candidate`. */
export interface BaselineCompareArgs extends RunFilterArgs {
  baseline: string;
  candidate: string;
  json?: boolean;
  csv?: boolean;
}

/**
 * `omnigent compare --baseline <filter> --candidate <filter>`: the runs each side selects (on top
 * of the usual run filters), compared on the runs' own success (completed, and every check passed
 * where the run has checks) with the eval statistics: pass rate with its Wilson interval, cost and
 * time per run and per success, the difference with its interval and an exact p-value (McNemar on
 * eval cells paired by task and repeat, Fisher otherwise). Contract: a run both sides select is
 * an error (the comparison would count it twice); runs still going are left out.
 */
export async function compareBaseline(argv: BaselineCompareArgs): Promise<void> {
  const s = await import('@omnigent/store');
  const { writeOut } = await import('../io.js');
  const { openStoreFor, reportSkipped } = await import('./runs.js');
  const base = s.parseSideFilter('baseline', argv.baseline);
  const cand = s.parseSideFilter('candidate', argv.candidate);
  const { store, filter } = await openStoreFor(argv);
  const runs = store.list(filter).filter((r) => r.status !== 'running');
  const both = runs.filter((r) => s.matchesSide(r, base) && s.matchesSide(r, cand));
  if (both.length)
    throw new s.StoreQueryError(
      `${both.length} run${both.length > 1 ? 's match' : ' matches'} both --baseline and --candidate (e.g. ${both[0]!.id.slice(0, 8)}); make the two filters exclusive`,
    );
  // an eval cell run twice (resumed) counts once: its newest finished run
  const pick = (f: import('@omnigent/store').SideFilter): import('@omnigent/store').RunSummary[] => {
    const side = runs.filter((r) => s.matchesSide(r, f));
    const evals = new Set(s.latestEvalRuns(side).map((r) => r.id));
    return side.filter((r) => !r.eval || evals.has(r.id));
  };
  const labelled = new Map<string, string>();
  const b = pick(base);
  const c = pick(cand);
  for (const r of b) labelled.set(r.id, 'baseline');
  for (const r of c) labelled.set(r.id, 'candidate');
  const results = s.evalResults([...b, ...c], 'baseline', (r) => labelled.get(r.id)!);
  // both rows always shown, in this order, even when a side is empty
  results.groups.sort((x, y) => (x.label === 'baseline' ? -1 : y.label === 'baseline' ? 1 : 0));
  if (argv.json) {
    await writeOut(
      `${JSON.stringify({ baseline: { filter: argv.baseline, runs: b.length }, candidate: { filter: argv.candidate, runs: c.length }, groups: results.groups }, null, 2)}\n`,
    );
  } else if (argv.csv) {
    await writeOut(s.terminalSafe(s.evalCsv(results)));
  } else if (!b.length || !c.length) {
    await writeOut(
      `${!b.length ? `No stored run matches --baseline ${argv.baseline}` : `No stored run matches --candidate ${argv.candidate}`} (with the other filters given); nothing to compare.\n`,
    );
    process.exitCode = 1;
  } else {
    await writeOut(
      s.terminalSafe(
        `baseline:  ${argv.baseline} (${b.length} run${b.length > 1 ? 's' : ''})\ncandidate: ${argv.candidate} (${c.length} run${c.length > 1 ? 's' : ''})\n\n${s.renderEvalTable(results, 'SIDE')}`,
      ),
    );
  }
  reportSkipped(store);
}
