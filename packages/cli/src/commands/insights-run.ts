import type { InsightsArgs } from './insights.js';

/** Default look-back of `omnigent insights`. */
export const INSIGHTS_DEFAULT_SINCE = '90d';

/** `omnigent insights`: compute over the filtered runs, print text or JSON, optionally write the HTML page. */
export async function insightsMain(argv: InsightsArgs, writeOut: (text: string) => Promise<void>): Promise<void> {
  const s = await import('@omnigent/store');
  const { openStoreFor, reportSkipped } = await import('./runs.js');
  const minRuns = argv['min-runs'];
  if (minRuns !== undefined && (!Number.isInteger(minRuns) || minRuns < 1)) {
    throw new s.StoreQueryError(
      `--min-runs expects a whole number of at least 1${Number.isNaN(minRuns) ? '' : `, got ${minRuns}`}`,
      'e.g. --min-runs 3',
    );
  }
  if (argv.top !== undefined && (!Number.isInteger(argv.top) || argv.top < 0)) {
    throw new s.StoreQueryError(
      `--top expects a whole number of groups (0 for none)${Number.isNaN(argv.top) ? '' : `, got ${argv.top}`}`,
    );
  }
  if (argv.html === '') throw new s.StoreQueryError('--html needs the file to write, e.g. --html insights.html');
  const since = argv.since ?? INSIGHTS_DEFAULT_SINCE;
  const { store, filter } = await openStoreFor({ ...argv, since });
  const runs = store.list(filter);
  const insights = s.computeInsights(runs, {
    events: (id) => store.events(id),
    ...(minRuns !== undefined ? { minRuns } : {}),
  });
  if (argv.html) {
    const filterText = ['harness', 'model', 'tag', 'status', 'step', 'kind', 'source', 'limit']
      .filter((k) => argv[k as keyof InsightsArgs] !== undefined)
      .map((k) => `--${k} ${String(argv[k as keyof InsightsArgs])}`)
      .concat(`--since ${since}`)
      .join(' ');
    const { writeHtmlFile } = await import('../html-file.js');
    const out = writeHtmlFile(
      argv.html,
      s.renderInsightsHtml(insights, { css: s.REPORT_CSS, filterText }),
      'the insights page',
      'insights.html',
    );
    process.stderr.write(s.terminalSafe(`wrote ${out}\n`));
  }
  if (argv.json) await writeOut(`${JSON.stringify(insights, null, 2)}\n`);
  else if (!runs.length) await writeOut(s.terminalSafe(s.noRunsText(store.dir, store.all().length)));
  else await writeOut(s.terminalSafe(s.renderInsights(insights, argv.top ?? 10)));
  reportSkipped(store);
}
