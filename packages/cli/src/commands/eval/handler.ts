import { randomBytes } from 'node:crypto';
import { resolveBinary, UsageError } from '@omnigent/core';
import * as store from '@omnigent/store';
import { loadConfig, type LoadedConfig } from '../../config.js';
import { EXIT } from '../../exit-codes.js';
import type { GlobalArgs } from '../../global-args.js';
import { withInterrupts } from '../../interrupts.js';
import { writeOut } from '../../io.js';
import { loadHarnessPlugin } from '../../plugins.js';
import { runHarness } from '../../run-harness.js';
import { parseShard, shardOf } from '../matrix/combinations.js';
import { cellKey, cellLabel, evalCells, findBaseline, type EvalCell } from './cells.js';
import { runChecks } from './checks.js';
import { checkout, prepareSource, type TaskSource } from './checkout.js';
import { runShell } from './shell.js';
import { loadSuite, parseCliVariant, type EvalVariant } from './task-file.js';

/** Arguments of `omnigent eval` (and of its alias `matrix`). */
export interface EvalArgs extends GlobalArgs {
  suite: string[];
  harness?: string[];
  model?: string[];
  variant?: string[];
  repeat?: number;
  concurrency: number;
  shard?: string;
  id?: string;
  resume?: string;
  maxCost?: number;
  baseline?: string;
  keep?: boolean;
  json?: boolean;
  csv?: boolean;
  /** Set by the `matrix` alias: its tags, labels and output. */
  matrix?: boolean;
}

/** What a caller inside omnigent (the demo) gives an eval instead of the command line's config. */
export interface EvalInjected {
  /** Use this config instead of loading one from the working directory. Default: loadConfig. */
  config?: LoadedConfig;
  /** Each harness's own models (overrides --model for the harnesses it names). Default: --model for every harness. */
  modelsByHarness?: Record<string, string[]>;
}

/** What one cell came to. */
interface CellResult {
  cell: string;
  task: string;
  harness: string;
  model?: string;
  variant: string;
  repeat: number;
  runId?: string;
  status: 'completed' | 'failed' | 'interrupted' | 'error' | 'skipped';
  pass?: boolean;
  checks?: store.CheckResult[];
  durationMs?: number;
  costUsd?: number;
  error?: string;
  worktree?: string;
}

/** Matrix label of a cell (`codex/gpt-5#2`), kept for the alias. */
function matrixLabel(c: EvalCell): string {
  return `${c.harness}/${c.model ?? 'default'}#${c.repeat + 1}`;
}

/**
 * `omnigent eval` / `omnigent matrix`; returns the exit code. Setup errors (bad suite, unknown
 * harness, bad options) are thrown for the CLI's error boundary (exit 2 / 127).
 */
export async function runEval(argv: EvalArgs, injected: EvalInjected = {}): Promise<number> {
  const matrix = argv.matrix === true;
  const suite = loadSuite(argv.suite);
  const shard = argv.shard === undefined ? undefined : parseShard(argv.shard);
  if (argv.shard !== undefined && !shard)
    throw new UsageError(`--shard expects i/n with 1 <= i <= n, got "${argv.shard}"`);
  const harnesses = store.splitList(argv.harness) ?? suite.harnesses ?? [];
  if (!harnesses.length)
    throw new UsageError(
      '--harness names at least one harness, e.g. --harness claude-code,codex (or declare harnesses: in the suite)',
    );
  const models = store.splitList(argv.model) ?? suite.models ?? [];
  const repeat = argv.repeat ?? suite.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1) throw new UsageError('--repeat expects a whole number >= 1');
  if (!Number.isInteger(argv.concurrency) || argv.concurrency < 1)
    throw new UsageError('--concurrency expects a whole number >= 1');
  if (argv.maxCost !== undefined && !(argv.maxCost > 0))
    throw new UsageError('--max-cost expects an amount in US dollars > 0, e.g. --max-cost 5');
  if (argv.resume !== undefined && argv.id !== undefined && argv.resume !== argv.id)
    throw new UsageError('--resume names the eval to continue; --id is not needed with it');
  let variants: EvalVariant[] = suite.variants;
  const wanted = store.splitList(argv.variant);
  if (wanted) {
    // `name={…}` declares a variant on the command line (a YAML flow mapping, like the suite's)
    const declared = (argv.variant ?? []).flatMap((v) => (v.includes('=') ? [parseCliVariant(v)] : []));
    variants = [...variants.filter((v) => !declared.some((d) => d.name === v.name)), ...declared];
    const named = (argv.variant ?? []).flatMap((v) =>
      v.includes('=') ? [v.slice(0, v.indexOf('=')).trim()] : (store.splitList(v) ?? []),
    );
    wanted.splice(0, wanted.length, ...named);
    const unknown = wanted.filter((w) => !variants.some((v) => v.name === w) && w !== 'default');
    if (unknown.length)
      throw new UsageError(
        `--variant ${unknown.join(', ')}: no such variant${variants.length ? ` (the suite declares ${variants.map((v) => v.name).join(', ')})` : ' (the suite declares none)'}`,
      );
    variants = wanted.map((w) => variants.find((v) => v.name === w) ?? { name: w });
  }

  const config = injected.config ?? (await loadConfig(process.cwd(), argv.config));
  // every harness's CLI found before the first cell: a missing one is one clear error (exit 127), not a failed cell each
  for (const h of harnesses) {
    const loaded = await loadHarnessPlugin(h, config, process.cwd());
    resolveBinary(loaded.plugin, {
      ...(config.config.harnesses?.[h]?.bin ? { config: config.config.harnesses[h]!.bin! } : {}),
      resolveFrom: [...(loaded.dir ? [loaded.dir] : []), process.cwd()],
    });
  }
  const storeDir = store.resolveStoreDir({
    env: process.env,
    ...(config.config.store?.path ? { configPath: config.config.store.path } : {}),
    configDir: config.dir,
  });
  const log = (line: string): void => {
    if (argv.json || argv.csv) process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  };

  const evalId =
    argv.resume ?? argv.id ?? `${matrix ? 'm' : 'e'}-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const tag = `${matrix ? 'matrix' : 'eval'}:${evalId}`;
  const byHarness = injected.modelsByHarness;
  const all = evalCells(suite.tasks, harnesses, byHarness ? (h) => byHarness[h] ?? models : models, variants, repeat);
  let mine = shardOf(all, shard);
  // --resume: cells with a finished run are done; interrupted or never-started ones run again
  if (argv.resume !== undefined) {
    const previous = store.openStore(storeDir).list({ tags: [tag] });
    if (!previous.length)
      throw new UsageError(
        `--resume ${argv.resume}: no run of that eval is stored in ${storeDir}`,
        'Use the id printed when the eval started (eval <id>: …), with the same suite and options.',
      );
    const done = new Set(
      store
        .latestEvalRuns(previous)
        .map((r) => `${r.eval!.task}|${r.harness}|${r.requestedModel ?? ''}|${r.eval!.variant}|${r.eval!.repeat}`),
    );
    const doneLoose = new Set(
      store.latestEvalRuns(previous).map((r) => `${r.eval!.task}|${r.harness}||${r.eval!.variant}|${r.eval!.repeat}`),
    );
    const before = mine.length;
    mine = mine.filter(
      (c) =>
        !(c.model !== undefined ? done : doneLoose).has(
          cellKey({
            task: c.task.id,
            harness: c.harness,
            ...(c.model !== undefined ? { model: c.model } : {}),
            variant: c.variant.name,
            repeat: c.repeat,
          }),
        ),
    );
    log(`resuming ${evalId}: ${before - mine.length} of ${before} cells already done`);
  }

  const sources = new Map<string, TaskSource>();
  for (const t of new Set(mine.map((c) => c.task))) sources.set(t.id, await prepareSource(t));
  for (const s of new Set([...sources.values()].map((x) => x.note).filter(Boolean))) log(s!);
  const kinds = new Set([...sources.values()].map((s) => s.kind));
  const where =
    kinds.size === 1
      ? kinds.has('worktree')
        ? 'git worktrees'
        : 'temporary copies'
      : 'git worktrees and temporary copies';
  const what = matrix ? 'run' : 'cell';
  log(
    `${matrix ? 'matrix' : 'eval'} ${evalId}: ${mine.length} ${what}${mine.length === 1 ? '' : 's'}${shard ? ` (shard ${shard.i}/${shard.n} of ${all.length})` : ''} in ${where}${matrix ? ` of ${suite.tasks[0]!.repo}` : ` (${suite.tasks.length} task${suite.tasks.length === 1 ? '' : 's'} × ${all.length / suite.tasks.length} per task)`}`,
  );

  try {
    return await withInterrupts(
      async ({ signal }) => {
        const results: CellResult[] = [];
        let started = 0;
        let next = 0;
        let spent = 0;
        let overBudget = false;
        const labelOf = matrix ? matrixLabel : cellLabel;
        const labelW = Math.max(0, ...mine.map((c) => labelOf(c).length));
        const worker = async (): Promise<void> => {
          while (next < mine.length && !signal.aborted) {
            if (argv.maxCost !== undefined && spent >= argv.maxCost) {
              overBudget = true;
              return;
            }
            const c = mine[next++]!;
            started += 1;
            const label = labelOf(c);
            const result: CellResult = {
              cell: label,
              task: c.task.id,
              harness: c.harness,
              ...(c.model ? { model: c.model } : {}),
              variant: c.variant.name,
              repeat: c.repeat,
              status: 'error',
            };
            let co: Awaited<ReturnType<typeof checkout>> | undefined;
            try {
              co = await checkout(sources.get(c.task.id)!, c.task, label);
              const env = { ...process.env, ...c.task.env, ...c.variant.env };
              for (const cmd of c.task.setup) {
                const s = await runShell(cmd, co.workdir, env, { signal });
                if (signal.aborted) throw new Error('interrupted during setup');
                if (s.exitCode !== 0) {
                  const tail = (s.spawnError ?? s.output).trim().split('\n').slice(-5).join('\n');
                  throw new Error(`setup "${cmd}" failed${tail ? `: ${tail}` : ''}`);
                }
              }
              const workdir = co.workdir;
              const v = c.variant;
              const { runId, terminal, usage } = await runHarness({
                harness: c.harness,
                request: {
                  prompt: c.task.prompt,
                  cwd: workdir,
                  ...(c.model ? { model: c.model } : {}),
                  ...(c.task.env || v.env ? { env: { ...c.task.env, ...v.env } } : {}),
                  ...(c.task.timeout ? { timeoutMs: c.task.timeout * 1000 } : {}),
                  ...(v.systemPrompt !== undefined ? { systemPrompt: v.systemPrompt } : {}),
                  ...(v.appendSystemPrompt !== undefined ? { appendSystemPrompt: v.appendSystemPrompt } : {}),
                  ...(v.args ? { extraArgs: v.args } : {}),
                  ...(v.permissionMode ? { permissionMode: v.permissionMode } : {}),
                  ...(v.maxTurns ? { maxTurns: v.maxTurns } : {}),
                  ...(v.options ? { options: v.options } : {}),
                },
                config,
                signal,
                store: true,
                ...(v.mcp ? { mcp: v.mcp } : {}),
                ...(c.task.kind ? { kind: c.task.kind } : {}),
                tags: matrix
                  ? [...c.task.tags, tag, `combo:${label}`]
                  : [...c.task.tags, tag, `task:${c.task.id}`, `variant:${v.name}`],
                eval: { id: evalId, task: c.task.id, variant: v.name, repeat: c.repeat },
                ...(c.task.checks.length
                  ? {
                      afterRun: async (t) => {
                        // an interrupted agent is not judged: the cell runs again on --resume
                        if (t.type === 'run.failed' && t.reason === 'aborted') return undefined;
                        const checks = await runChecks(c.task.checks, workdir, env, signal);
                        result.checks = checks;
                        return checks;
                      },
                    }
                  : {}),
              });
              result.runId = runId;
              result.status =
                terminal.type === 'run.completed'
                  ? 'completed'
                  : terminal.reason === 'aborted'
                    ? 'interrupted'
                    : 'failed';
              result.durationMs = terminal.durationMs;
              // the stored figure: summed over the run's usage events and priced when the harness reported no cost
              const cost = usage?.costUsd ?? terminal.usage?.costUsd;
              if (cost !== undefined) {
                result.costUsd = cost;
                spent += cost;
              }
              if (terminal.type === 'run.failed') result.error = terminal.message;
              result.pass = result.status === 'completed' && (result.checks?.every((x) => x.pass) ?? true);
            } catch (error) {
              result.error = error instanceof Error ? error.message : String(error);
              if (signal.aborted) result.status = 'interrupted';
            } finally {
              if (co && argv.keep) result.worktree = co.root;
              else await co?.remove().catch(() => undefined);
            }
            results.push(result);
            const failedChecks = result.checks?.filter((x) => !x.pass).map((x) => x.name) ?? [];
            const verdict =
              matrix || !c.task.checks.length || result.status !== 'completed'
                ? result.status
                : result.pass
                  ? 'passed'
                  : 'failed';
            log(
              `[${String(results.length).padStart(String(mine.length).length)}/${mine.length}] ${label.padEnd(labelW)}  ${verdict.padEnd(11)} ${store.formatMs(result.durationMs).padStart(7)}` +
                `${result.runId ? `  run ${result.runId.slice(0, 8)}` : ''}${failedChecks.length ? `  check${failedChecks.length > 1 ? 's' : ''} failed: ${failedChecks.join(', ')}` : ''}` +
                `${result.error ? `  ${result.error.split('\n')[0]}` : ''}${result.worktree ? `  kept ${result.worktree}` : ''}`,
            );
          }
        };
        await Promise.all(Array.from({ length: Math.min(argv.concurrency, mine.length) }, () => worker()));
        const notStarted = mine.length - started;
        if (signal.aborted && notStarted > 0) log(`interrupted: ${notStarted} of ${mine.length} ${what}s not started`);
        if (overBudget && notStarted > 0)
          log(
            `--max-cost $${argv.maxCost}: spent ${store.formatUsd(spent)}; ${notStarted} of ${mine.length} cells not started (continue with --resume ${evalId} --max-cost …)`,
          );

        const runs = store.openStore(storeDir).list({ tags: [tag] });
        if (matrix) {
          const groups = store.compareRuns(runs, ['harness', 'model']);
          const out = results.map(
            ({ variant: _v, task: _t, pass: _p, checks: _c, costUsd: _u, cell, repeat: r, ...rest }) => ({
              combination: cell,
              ...rest,
              repeat: r + 1,
            }),
          );
          if (argv.json)
            await writeOut(`${JSON.stringify({ matrix: evalId, shard: shard ?? null, runs: out, groups }, null, 2)}\n`);
          else
            await writeOut(
              `\n${runs.length ? store.renderCompareTable(groups, ['harness', 'model']) : 'No run was recorded.\n'}\nomnigent compare --tag matrix:${evalId} --by harness,model  shows this table again.\n`,
            );
          if (signal.aborted) return EXIT.interrupted;
          return results.length === mine.length && results.every((r) => r.status === 'completed')
            ? EXIT.ok
            : EXIT.runFailed;
        }

        // rows in the order of the cells (harness, model, variant as given), whatever order the runs ended in
        const rank = (r: store.RunSummary): number => {
          const i = all.findIndex(
            (c) =>
              c.harness === r.harness &&
              c.variant.name === r.eval?.variant &&
              (c.model === undefined || c.model === r.requestedModel),
          );
          return i < 0 ? all.length : i;
        };
        const counted = store
          .latestEvalRuns(runs)
          .sort((a, b) => rank(a) - rank(b) || a.startedAt.localeCompare(b.startedAt));
        const labels = [...new Set(counted.map(store.evalGroupLabel))];
        let baseline: string | undefined;
        const asked = argv.baseline ?? suite.baseline;
        if (asked !== undefined) {
          const found = findBaseline(labels, asked);
          if (found.error && labels.length) log(`warning: ${found.error}; no baseline comparison`);
          baseline = found.label;
        } else if (labels.length > 1) baseline = labels[0];
        const summary = store.evalResults(counted, baseline);
        const errors = results.filter((r) => r.status === 'error').length;
        if (argv.json) {
          await writeOut(
            `${JSON.stringify({ eval: evalId, shard: shard ?? null, baseline: summary.baseline ?? null, cells: results, groups: summary.groups, notStarted }, null, 2)}\n`,
          );
        } else if (argv.csv) {
          await writeOut(store.terminalSafe(store.evalCsv(summary)));
        } else {
          const table = counted.length ? store.terminalSafe(store.renderEvalTable(summary)) : 'No cell was recorded.\n';
          const base =
            summary.baseline && asked === undefined
              ? `baseline: ${summary.baseline} (the first cell; choose with --baseline harness/model/variant)\n`
              : '';
          await writeOut(
            `\n${table}${base}${errors ? `${errors} cell${errors > 1 ? 's' : ''} could not run (setup or checkout failed; see above); they are not counted.\n` : ''}\nThe runs carry the tag ${tag}: omnigent report --html report.html --tag ${tag} draws this eval; --resume ${evalId} runs cells it is missing.\n`,
          );
        }
        if (signal.aborted) return EXIT.interrupted;
        // the eval itself worked when every cell ran and was judged; a failed task is a result, not an error
        return errors === 0 &&
          results.every((r) => r.status === 'completed' || r.status === 'failed') &&
          (!overBudget || notStarted === 0)
          ? EXIT.ok
          : EXIT.runFailed;
      },
      {
        onFirst: () =>
          process.stderr.write(
            `omnigent: interrupted: stopping the running harnesses (Ctrl-C again to kill them at once)${matrix ? '' : `; continue later with --resume ${evalId}`}\n`,
          ),
      },
    );
  } finally {
    for (const s of sources.values()) s.dispose();
  }
}
