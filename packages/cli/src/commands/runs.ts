import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';

/** Filters shared by `runs`, `compare`, `report` and `export`. */
export interface RunFilterArgs extends GlobalArgs {
  harness?: string[];
  model?: string[];
  since?: string;
  tag?: string[];
  status?: string[];
  step?: string[];
  kind?: string[];
  source?: string[];
  limit?: number;
}

import { toList } from './list-option.js';
export { toList };

/** Add the run filters to a command. */
export function withRunFilters<T extends GlobalArgs>(y: Argv<T>, defaultLimit?: number): Argv<T & RunFilterArgs> {
  return y
    .option('harness', {
      alias: 'H',
      type: 'string',
      coerce: toList,
      describe: 'Only these harnesses (comma-separated or repeated)',
    })
    .option('model', { alias: 'm', type: 'string', coerce: toList, describe: 'Only these models' })
    .option('since', { type: 'string', describe: 'Only runs started since: 30m, 24h, 7d, 2w or a date (2026-01-31)' })
    .option('tag', { type: 'string', coerce: toList, describe: 'Only runs carrying every one of these tags' })
    .option('status', {
      type: 'string',
      coerce: toList,
      describe: 'Only these statuses: completed, failed, interrupted, incomplete, running',
    })
    .option('step', { type: 'string', coerce: toList, describe: 'Only these workflow steps' })
    .option('kind', {
      type: 'string',
      coerce: toList,
      describe: 'Only these kinds of work: feature, bugfix, refactor, test, docs, review, plan, analysis, chore',
    })
    .option('source', {
      type: 'string',
      coerce: toList,
      describe: 'Only live runs or runs imported from a harness history: live, imported',
    })
    .option('limit', {
      type: 'number',
      describe: `Only the newest N matching runs${defaultLimit ? ` (default ${defaultLimit})` : ''}`,
      ...(defaultLimit ? { default: defaultLimit } : {}),
    }) as unknown as Argv<T & RunFilterArgs>;
}

// Names of config files (as in ../config.ts CONFIG_FILES, not imported: that module loads core,
// zod and yaml, which most `runs`/`compare` calls do not need).
const CONFIG_NAMES = [
  'omnigent.config.json',
  'omnigent.config.yaml',
  'omnigent.config.yml',
  'omnigent.config.js',
  'omnigent.config.mjs',
  'omnigent.config.ts',
];

/** The store directory: OMNIGENT_STORE, else the config's `store.path` (the config is only loaded when there is one). */
async function storeDirFor(argv: GlobalArgs): Promise<string> {
  const { resolveStoreDir } = await import('@omnigent/store');
  if (process.env.OMNIGENT_STORE) return resolveStoreDir({ env: process.env });
  if (!argv.config) {
    const { existsSync } = await import('node:fs');
    const { dirname, join } = await import('node:path');
    let found = false;
    for (let dir = process.cwd(); !found; dir = dirname(dir)) {
      found = CONFIG_NAMES.some((name) => existsSync(join(dir, name)));
      if (dirname(dir) === dir) break;
    }
    if (!found) return resolveStoreDir({ env: process.env });
  }
  const { loadConfig } = await import('../config.js');
  const config = await loadConfig(process.cwd(), argv.config);
  return resolveStoreDir({
    env: process.env,
    ...(config.config.store?.path ? { configPath: config.config.store.path } : {}),
    configDir: config.dir,
  });
}

/** Open the store named by the environment and config, and turn the filter options into a RunFilter. */
export async function openStoreFor(argv: RunFilterArgs): Promise<{
  store: import('@omnigent/store').RunStore;
  filter: import('@omnigent/store').RunFilter;
}> {
  const { openStore, parseSince, splitList, StoreQueryError, RUN_STATUSES, WORK_KINDS } = await import(
    '@omnigent/store'
  );
  const dir = await storeDirFor(argv);
  const status = splitList(argv.status);
  const known: readonly string[] = RUN_STATUSES;
  const bad = status?.find((s) => !known.includes(s));
  if (bad) throw new StoreQueryError(`--status expects one of ${known.join(', ')}, got "${bad}"`);
  if (argv.limit !== undefined && (!Number.isInteger(argv.limit) || argv.limit < 1)) {
    throw new StoreQueryError(
      `--limit expects a whole number of at least 1${Number.isNaN(argv.limit) ? '' : `, got ${argv.limit}`}`,
      'e.g. --limit 20',
    );
  }
  const harness = splitList(argv.harness);
  const model = splitList(argv.model);
  const tags = splitList(argv.tag);
  const step = splitList(argv.step);
  const kind = splitList(argv.kind);
  const badKind = kind?.find((k) => !(WORK_KINDS as readonly string[]).includes(k));
  if (badKind) throw new StoreQueryError(`--kind expects one of ${WORK_KINDS.join(', ')}, got "${badKind}"`);
  const source = splitList(argv.source);
  const badSource = source?.find((k) => k !== 'live' && k !== 'imported');
  if (badSource) throw new StoreQueryError(`--source expects live or imported, got "${badSource}"`);
  return {
    store: openStore(dir),
    filter: {
      ...(harness ? { harness } : {}),
      ...(model ? { model } : {}),
      ...(argv.since ? { since: parseSince(argv.since) } : {}),
      ...(tags ? { tags } : {}),
      ...(status ? { status: status as import('@omnigent/store').RunStatus[] } : {}),
      ...(step ? { step } : {}),
      ...(kind ? { kind: kind as import('@omnigent/store').WorkKind[] } : {}),
      ...(source ? { source: source as Array<'live' | 'imported'> } : {}),
      ...(argv.limit !== undefined ? { limit: argv.limit } : {}),
    },
  };
}

/**
 * Say once on stderr which store files had records that could not be read (they were skipped).
 * Contract: called after the command's output, so a pipe reading stdout gets only the output.
 */
export function reportSkipped(store: import('@omnigent/store').RunStore): void {
  for (const line of store.warnings()) process.stderr.write(`${line}\n`);
}

interface RunsArgs extends RunFilterArgs {
  json?: boolean;
}

interface ShowArgs extends GlobalArgs {
  id: string;
  json?: boolean;
}

const showCommand: CommandModule<GlobalArgs, ShowArgs> = {
  command: 'show <id>',
  describe: 'Show one stored run as a timeline (an id prefix is enough)',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true, describe: 'Run id or its first characters' })
      .option('json', { type: 'boolean', default: false, describe: 'Print {run, events} as JSON' }),
  handler: async (argv) => {
    const { writeOut } = await import('../io.js');
    const { store } = await openStoreFor(argv);
    const { renderRunHeader, renderTimeline, terminalSafe } = await import('@omnigent/store');
    const run = store.find(argv.id);
    const events = store.events(run.id);
    // JSON escapes control characters itself; the text view shows them, never sends them raw
    if (argv.json) await writeOut(`${JSON.stringify({ run, events }, null, 2)}\n`);
    else await writeOut(terminalSafe(`${renderRunHeader(run)}\ntimeline\n${renderTimeline(run, events)}`));
    reportSkipped(store);
  },
};

/** `omnigent runs`: list stored runs; `omnigent runs show <id>`: one run's timeline. */
export const runsCommand: CommandModule<GlobalArgs, RunsArgs> = {
  command: 'runs',
  describe: 'List stored runs (omnigent runs show <id> for one run)',
  builder: (y) =>
    withRunFilters(y, 20)
      .option('json', { type: 'boolean', default: false, describe: 'Print the run summaries as a JSON array' })
      .command(
        showCommand as unknown as CommandModule<GlobalArgs & RunFilterArgs, ShowArgs>,
      ) as unknown as Argv<RunsArgs>,
  handler: async (argv) => {
    const { writeOut } = await import('../io.js');
    const { store, filter } = await openStoreFor(argv);
    const { renderRunsTable, noRunsText, terminalSafe } = await import('@omnigent/store');
    const runs = store.list(filter);
    if (argv.json) await writeOut(`${JSON.stringify(runs, null, 2)}\n`);
    else if (runs.length === 0) await writeOut(terminalSafe(noRunsText(store.dir, store.all().length)));
    else await writeOut(terminalSafe(renderRunsTable(runs)));
    reportSkipped(store);
  },
};
