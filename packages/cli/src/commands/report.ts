import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { withRunFilters, type RunFilterArgs } from './runs.js';

interface ReportArgs extends RunFilterArgs {
  html: string;
  title?: string;
  by: string;
  timelines: number;
}

/** `omnigent report --html out.html`: a self-contained HTML report of stored runs. */
export const reportCommand: CommandModule<GlobalArgs, ReportArgs> = {
  command: 'report',
  describe:
    'Write a self-contained HTML report of stored runs: charts by harness/model, insights over time, a timeline per run',
  builder: (y) =>
    withRunFilters(y)
      .option('html', { type: 'string', demandOption: true, describe: 'Output file (one HTML file, viewable offline)' })
      .option('title', { type: 'string', describe: 'Page title (default: Omnigent run report)' })
      .option('by', {
        type: 'string',
        default: 'harness,model',
        describe: 'Group charts by harness, model, step and/or kind',
      })
      .option('timelines', {
        type: 'number',
        default: 50,
        describe: 'Draw the timeline of the newest N runs',
      }) as unknown as Argv<ReportArgs>,
  handler: async (argv) => {
    const { writeOut } = await import('../io.js');
    const s = await import('@omnigent/store');
    const { openStoreFor, reportSkipped } = await import('./runs.js');
    if (!argv.html) throw new s.StoreQueryError('--html needs the file to write, e.g. --html report.html');
    if (!Number.isInteger(argv.timelines) || argv.timelines < 0) {
      throw new s.StoreQueryError(
        `--timelines expects a whole number of runs (0 for none)${Number.isNaN(argv.timelines) ? '' : `, got ${argv.timelines}`}`,
      );
    }
    const by = s.splitList(argv.by) ?? ['harness', 'model'];
    const bad = by.find((d) => !['harness', 'model', 'step', 'kind'].includes(d));
    if (bad) throw new s.StoreQueryError(`--by expects harness, model, step and/or kind, got "${bad}"`);
    const { store, filter } = await openStoreFor(argv);
    const runs = store.list(filter);
    const filterText = ['harness', 'model', 'since', 'tag', 'status', 'step', 'kind', 'source', 'limit']
      .filter((k) => argv[k as keyof ReportArgs] !== undefined)
      .map((k) => `--${k} ${String(argv[k as keyof ReportArgs])}`)
      .join(' ');
    const html = s.renderHtmlReport({
      runs,
      insights: s.computeInsights(runs, { events: (id) => store.events(id) }),
      events: (id) => store.events(id),
      by: by as import('@omnigent/store').GroupDimension[],
      timelines: argv.timelines,
      ...(argv.title ? { title: argv.title } : {}),
      ...(filterText ? { filterText } : {}),
    });
    const { writeHtmlFile } = await import('../html-file.js');
    const out = writeHtmlFile(argv.html, html, 'the report', 'report.html');
    await writeOut(s.terminalSafe(`wrote ${out} (${runs.length} run${runs.length === 1 ? '' : 's'})\n`));
    if (!runs.length) process.stderr.write(s.terminalSafe(s.noRunsText(store.dir, store.all().length)));
    reportSkipped(store);
  },
};
