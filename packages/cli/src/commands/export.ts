import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { withRunFilters, type RunFilterArgs } from './runs.js';

function plural(n: number): string {
  return `${n} run${n === 1 ? '' : 's'}`;
}

interface ExportArgs extends RunFilterArgs {
  ids?: string[];
  endpoint?: string;
  'capture-content'?: boolean;
}

/** `omnigent export`: re-send stored runs as OTLP traces, built exactly as live telemetry builds them. */
export const exportCommand: CommandModule<GlobalArgs, ExportArgs> = {
  command: 'export [ids..]',
  describe: 'Send stored runs to an OTLP collector (MLflow…) as traces, like live telemetry',
  builder: (y) =>
    withRunFilters(y)
      .positional('ids', {
        type: 'string',
        array: true,
        describe: 'Run ids or id prefixes (or select runs with the filters)',
      })
      .option('endpoint', {
        type: 'string',
        describe:
          'OTLP/HTTP endpoint (default: OTEL_EXPORTER_OTLP_ENDPOINT, config telemetry.endpoint, http://localhost:4318)',
      })
      .option('capture-content', {
        type: 'boolean',
        describe: 'Include prompts, responses and tool input/output (default: OMNIGENT_OTEL_CAPTURE_CONTENT or config)',
      }) as unknown as Argv<ExportArgs>,
  handler: async (argv) => {
    const { writeOut } = await import('../io.js');
    const { EXIT } = await import('../exit-codes.js');
    const { CommandError } = await import('../command-error.js');
    const s = await import('@omnigent/store');
    const { openStoreFor } = await import('./runs.js');
    const { store, filter } = await openStoreFor(argv);
    const ids = s.splitList(argv.ids);
    if (!ids && Object.keys(filter).length === 0) {
      throw new s.StoreQueryError(
        'Say which runs to export.',
        'Give run ids (omnigent export 1a2b3c) or filters (omnigent export --since 7d).',
      );
    }
    let runs = store.list(ids ? {} : filter);
    if (ids) {
      const all = runs;
      runs = ids.map((id) => store.find(id, all)).filter((r) => s.matchesFilter(r, filter));
    }
    if (runs.length === 0) {
      await writeOut(`Nothing exported. ${s.noRunsText(store.dir, store.all().length)}`);
      return;
    }
    const { loadConfig } = await import('../config.js');
    const { version } = await import('../version.js');
    const otel = await (await import('../telemetry-package.js')).requireTelemetry('omnigent export');
    const config = await loadConfig(process.cwd(), argv.config);
    // Exporting is asked for explicitly: telemetry is on for this command whatever the settings say.
    const env: NodeJS.ProcessEnv = { ...process.env, OMNIGENT_TELEMETRY_ENABLED: 'true' };
    if (argv.endpoint) {
      env.OTEL_EXPORTER_OTLP_ENDPOINT = argv.endpoint;
      delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    }
    if (argv['capture-content'] !== undefined) env.OMNIGENT_OTEL_CAPTURE_CONTENT = String(argv['capture-content']);
    const settings = otel.resolveTelemetryConfig(env, config.config.telemetry);
    if (!settings.enabled)
      throw new s.StoreQueryError(settings.problem ?? 'OTLP export is not possible with these settings.');
    const warn = otel.createWarnOnce();
    // One pipeline for every run: spans are batched across runs, flushed once at the end.
    const pipeline = otel.createExportPipeline(settings, {
      warn,
      serviceVersion: version,
      scopeVersion: version,
      flushTimeoutMs: 30_000,
      exportTimeoutMs: 10_000,
    });
    // credential header values are redacted, the MLflow experiment id is not (as in live export)
    const redactor = otel.createRedactor({ env, literals: otel.secretHeaderValues(settings.headers) });
    const stored = runs.map((run) => {
      const req = store.request(run.id);
      const model = req?.model ?? run.requestedModel;
      return {
        events: store.events(run.id),
        info: {
          runId: run.id,
          harness: run.harness,
          ...(req?.provider ? { provider: req.provider } : {}),
          ...(run.pluginVersion ? { pluginVersion: run.pluginVersion } : {}),
          request: {
            prompt: req?.prompt ?? run.prompt ?? '',
            cwd: req?.cwd ?? run.cwd,
            ...(model ? { model } : {}),
            ...(req?.systemPrompt ? { systemPrompt: req.systemPrompt } : {}),
            ...(req?.appendSystemPrompt ? { appendSystemPrompt: req.appendSystemPrompt } : {}),
          },
          startedAt: new Date(run.startedAt),
          ...(run.tags.length ? { tags: run.tags } : {}),
          ...(run.kind ? { kind: run.kind } : {}),
          ...(run.workflow
            ? {
                workflow: {
                  workflowRunId: run.workflow.runId,
                  step: run.workflow.step,
                  ...(run.workflow.name ? { workflowName: run.workflow.name } : {}),
                },
              }
            : {}),
        },
      };
    });
    // Each run (each workflow) maps to one trace id; MLflow traces that exist already are skipped.
    const outcome = await otel.exportStoredRuns(stored, {
      config: settings,
      pipeline,
      redactor,
      warn,
      timeoutMs: 10_000,
    });
    await pipeline.shutdown();
    if (warn.warned) {
      // the warning above says why; this error says what it means for the user's runs
      throw new CommandError(
        `export failed: the traces of ${plural(outcome.sent)} did not all reach ${otel.shownUrl(settings.tracesUrl)}`,
        {
          exitCode: EXIT.runFailed,
          hint: 'Start the collector (or give its address with --endpoint) and run the same command again; the runs stay in the store.',
        },
      );
    }
    const skipped = outcome.skipped.length
      ? `skipped ${plural(outcome.skipped.length)} already in MLflow (experiment ${settings.mlflow?.experimentId ?? '?'}): ${outcome.skipped.map((id) => id.slice(0, 12)).join(', ')}\n`
      : '';
    await writeOut(
      `${outcome.sent || !skipped ? `exported ${plural(outcome.sent)} to ${otel.shownUrl(settings.tracesUrl)}\n` : ''}${skipped}`,
    );
  },
};
