import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { toList } from './runs.js';

interface MatrixArgs extends GlobalArgs {
  task: string;
  harness: string[];
  model?: string[];
  repeat: number;
  concurrency: number;
  shard?: string;
  id?: string;
  keep?: boolean;
  json?: boolean;
}

/** One cell of the matrix: a harness, a model (undefined: the harness's default) and a repetition. */
export interface MatrixCombination {
  /** Position in the full (unsharded) matrix, 0-based. */
  index: number;
  harness: string;
  model?: string;
  /** 1-based repetition. */
  repeat: number;
}

/** Every combination, harness-major then model then repetition (a stable order shards rely on). */
export function combinations(harnesses: string[], models: Array<string | undefined>, repeat: number): MatrixCombination[] {
  const out: MatrixCombination[] = [];
  for (const harness of harnesses) {
    for (const model of models.length ? models : [undefined]) {
      for (let r = 1; r <= repeat; r++) out.push({ index: out.length, harness, ...(model !== undefined ? { model } : {}), repeat: r });
    }
  }
  return out;
}

/** `i/n` -> the combinations of slice i (1-based): every one whose index is i-1 modulo n. */
export function shardOf<T extends { index: number }>(all: T[], shard: { i: number; n: number } | undefined): T[] {
  return shard ? all.filter((c) => c.index % shard.n === shard.i - 1) : all;
}

/** Parse `--shard i/n`; undefined when malformed. */
export function parseShard(text: string): { i: number; n: number } | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const i = Number(m[1]);
  const n = Number(m[2]);
  return n >= 1 && i >= 1 && i <= n ? { i, n } : undefined;
}

/** Label of a combination: `codex/gpt-5#2`. */
export function comboLabel(c: MatrixCombination): string {
  return `${c.harness}/${c.model ?? 'default'}#${c.repeat}`;
}

async function runMatrix(argv: MatrixArgs): Promise<number> {
  const { mkdtempSync, cpSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { dirname, join, relative, resolve } = await import('node:path');
  const { execFile, spawn } = await import('node:child_process');
  const { randomBytes } = await import('node:crypto');
  const { UsageError, ConfigError } = await import('@omnigent/core');
  const { z } = await import('zod');
  const { parse: parseYaml } = await import('yaml');
  const { loadConfig } = await import('../config.js');
  const { loadHarnessPlugin } = await import('../plugins.js');
  const { runHarness } = await import('../run-harness.js');
  const { EXIT } = await import('../exit-codes.js');
  const { writeOut } = await import('../io.js');
  const store = await import('@omnigent/store');

  const taskSchema = z
    .object({
      prompt: z.string().min(1),
      repo: z.string().min(1).optional(),
      cwd: z.string().min(1).optional(),
      setup: z.union([z.string(), z.array(z.string())]).optional(),
      env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
      timeout: z.number().positive().optional(),
      tags: z.array(z.string()).optional(),
    })
    .strict();

  const taskFile = resolve(argv.task);
  let text: string;
  try {
    text = readFileSync(taskFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read the task: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message}`, { file: taskFile });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    // the first line of a YAML error ends "at line 2, column 1:" before a code frame
    throw new ConfigError(`not valid YAML: ${(error as Error).message.split('\n')[0]!.replace(/:$/, '')}`, { file: taskFile });
  }
  const parsed = taskSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    // a misspelt key first: "unknown key promt" explains the "missing prompt" that follows from it
    const issue = parsed.error.issues.find((i) => i.code === 'unrecognized_keys') ?? parsed.error.issues[0]!;
    const keys = 'a task has prompt, repo, cwd, setup, env, timeout, tags';
    const message =
      issue.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''} (${keys})`
      : issue.code === 'invalid_type' && issue.input === undefined ? (issue.path[0] === 'prompt' ? 'missing: a task needs a prompt (what every harness is asked)' : 'missing')
      : issue.code === 'invalid_type' ? `expected ${issue.expected}`
      : issue.message;
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    throw new ConfigError(message, { file: taskFile, key: path.join('.') || '(root)' });
  }
  const task = parsed.data;
  const shard = argv.shard === undefined ? undefined : parseShard(argv.shard);
  if (argv.shard !== undefined && !shard) throw new UsageError(`--shard expects i/n with 1 <= i <= n, got "${argv.shard}"`);
  const harnesses = store.splitList(argv.harness) ?? [];
  if (!harnesses.length) throw new UsageError('--harness names at least one harness, e.g. --harness claude-code,codex');
  const models = store.splitList(argv.model) ?? [];
  if (!Number.isInteger(argv.repeat) || argv.repeat < 1) throw new UsageError('--repeat expects a whole number >= 1');
  if (!Number.isInteger(argv.concurrency) || argv.concurrency < 1) throw new UsageError('--concurrency expects a whole number >= 1');

  const config = await loadConfig(process.cwd(), argv.config);
  for (const h of harnesses) await loadHarnessPlugin(h, config, process.cwd());
  const storeDir = store.resolveStoreDir({ env: process.env, ...(config.config.store?.path ? { configPath: config.config.store.path } : {}), configDir: config.dir });

  const run = (cmd: string, args: string[], cwd: string): Promise<{ ok: boolean; out: string }> =>
    new Promise((done) => {
      execFile(cmd, args, { cwd, encoding: 'utf8' }, (error, stdout, stderr) => done({ ok: !error, out: error ? `${stderr || error.message}`.trim() : stdout.trim() }));
    });
  const repo = resolve(dirname(taskFile), task.repo ?? '.');
  const top = await run('git', ['rev-parse', '--show-toplevel'], repo);
  const gitTop = top.ok ? top.out : undefined;
  const head = gitTop ? await run('git', ['rev-parse', 'HEAD'], gitTop) : undefined;
  const useWorktree = gitTop !== undefined && head?.ok === true;
  const log = (line: string): void => {
    if (argv.json) process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  };
  if (useWorktree) {
    const dirty = await run('git', ['status', '--porcelain', '--untracked-files=no'], gitTop!);
    if (dirty.ok && dirty.out) log(`note: uncommitted changes in ${gitTop} are not in the worktrees (they start at HEAD ${head!.out.slice(0, 10)})`);
  }

  const matrixId = argv.id ?? `m-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const all = combinations(harnesses, models, argv.repeat);
  const mine = shardOf(all, shard);
  log(`matrix ${matrixId}: ${mine.length} run${mine.length === 1 ? '' : 's'}${shard ? ` (shard ${shard.i}/${shard.n} of ${all.length})` : ''} in ${useWorktree ? 'git worktrees' : 'temporary copies'} of ${repo}`);

  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // the reader of our output went away (`| head`): cancel the harnesses instead of leaving them running
  const { onStdoutClosed } = await import('../io.js');
  const offClosed = onStdoutClosed(() => controller.abort());

  /** An isolated checkout for one combination, and how to remove it. */
  const isolate = async (c: MatrixCombination): Promise<{ workdir: string; root: string; remove: () => Promise<void> }> => {
    const root = mkdtempSync(join(tmpdir(), `omnigent-matrix-${c.index}-`));
    if (useWorktree) {
      const wt = join(root, 'worktree');
      const added = await run('git', ['worktree', 'add', '--detach', '--force', wt, head!.out], gitTop!);
      if (!added.ok) throw new Error(`git worktree add failed: ${added.out}`);
      return {
        root: wt,
        workdir: join(wt, relative(gitTop!, repo), task.cwd ?? '.'),
        remove: async () => {
          await run('git', ['worktree', 'remove', '--force', '--force', wt], gitTop!);
          rmSync(root, { recursive: true, force: true });
        },
      };
    }
    const copy = join(root, 'copy');
    cpSync(repo, copy, { recursive: true });
    return { root: copy, workdir: join(copy, task.cwd ?? '.'), remove: async () => rmSync(root, { recursive: true, force: true }) };
  };

  const setupSteps = task.setup === undefined ? [] : Array.isArray(task.setup) ? task.setup : [task.setup];
  const setup = (cmd: string, cwd: string): Promise<{ ok: boolean; tail: string }> =>
    new Promise((done) => {
      const child = spawn('sh', ['-c', cmd], { cwd, env: { ...process.env, ...task.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
      child.stderr.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
      child.on('error', (e) => done({ ok: false, tail: e.message }));
      child.on('close', (code) => done({ ok: code === 0, tail: out.trim().split('\n').slice(-5).join('\n') }));
    });

  const results: Array<{ combination: string; harness: string; model?: string; repeat: number; runId?: string; status: string; durationMs?: number; error?: string; worktree?: string }> = [];
  let done = 0;
  let next = 0;
  // progress columns as wide as this matrix's longest combination label
  const labelW = Math.max(...mine.map((c) => comboLabel(c).length));
  const worker = async (): Promise<void> => {
    while (next < mine.length && !controller.signal.aborted) {
      const c = mine[next++]!;
      const label = comboLabel(c);
      let iso: Awaited<ReturnType<typeof isolate>> | undefined;
      const result: (typeof results)[number] = { combination: label, harness: c.harness, ...(c.model ? { model: c.model } : {}), repeat: c.repeat, status: 'error' };
      try {
        iso = await isolate(c);
        for (const cmd of setupSteps) {
          const s = await setup(cmd, iso.workdir);
          if (!s.ok) throw new Error(`setup "${cmd}" failed${s.tail ? `: ${s.tail}` : ''}`);
        }
        const { runId, terminal } = await runHarness({
          harness: c.harness,
          request: {
            prompt: task.prompt,
            cwd: iso.workdir,
            ...(c.model ? { model: c.model } : {}),
            ...(task.env ? { env: task.env } : {}),
            ...(task.timeout ? { timeoutMs: task.timeout * 1000 } : {}),
          },
          config,
          signal: controller.signal,
          store: true,
          tags: [...(task.tags ?? []), `matrix:${matrixId}`, `combo:${label}`],
        });
        result.runId = runId;
        result.status = terminal.type === 'run.completed' ? 'completed' : terminal.reason === 'aborted' ? 'interrupted' : 'failed';
        result.durationMs = terminal.durationMs;
        if (terminal.type === 'run.failed') result.error = terminal.message;
      } catch (error) {
        result.error = error instanceof Error ? error.message : String(error);
      } finally {
        if (iso && argv.keep) result.worktree = iso.root;
        else await iso?.remove().catch(() => undefined);
      }
      results.push(result);
      done += 1;
      log(`[${String(done).padStart(String(mine.length).length)}/${mine.length}] ${label.padEnd(labelW)}  ${result.status.padEnd(11)} ${store.formatMs(result.durationMs).padStart(7)}${result.runId ? `  run ${result.runId.slice(0, 8)}` : ''}${result.error ? `  ${result.error.split('\n')[0]}` : ''}${result.worktree ? `  kept ${result.worktree}` : ''}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(argv.concurrency, mine.length) }, () => worker()));
  } finally {
    offClosed();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (controller.signal.aborted && results.length < mine.length) {
    const left = mine.length - results.length;
    log(`interrupted: ${left} of ${mine.length} run${mine.length === 1 ? '' : 's'} not started`);
  }

  const runs = store.openStore(storeDir).list({ tags: [`matrix:${matrixId}`] });
  const groups = store.compareRuns(runs, ['harness', 'model']);
  if (argv.json) {
    await writeOut(`${JSON.stringify({ matrix: matrixId, shard: shard ?? null, runs: results, groups }, null, 2)}\n`);
  } else {
    await writeOut(`\n${runs.length ? store.renderCompareTable(groups, ['harness', 'model']) : 'No run was recorded.\n'}\nomnigent compare --tag matrix:${matrixId} --by harness,model  shows this table again.\n`);
  }
  if (controller.signal.aborted) return EXIT.interrupted;
  return results.length === mine.length && results.every((r) => r.status === 'completed') ? EXIT.ok : EXIT.runFailed;
}

/** `omnigent matrix`: one task on every harness × model × repetition, in isolated checkouts, then compared. */
export const matrixCommand: CommandModule<GlobalArgs, MatrixArgs> = {
  command: 'matrix <task>',
  describe: 'Run one task on every harness × model combination in isolated worktrees, then compare',
  builder: (y) =>
    y
      .positional('task', { type: 'string', demandOption: true, describe: 'task.yaml: {prompt, repo?, cwd?, setup?, env?, timeout?, tags?}' })
      .option('harness', { alias: 'H', type: 'string', coerce: toList, demandOption: true, describe: 'Harnesses (comma-separated or repeated)' })
      .option('model', { alias: 'm', type: 'string', coerce: toList, describe: 'Models (comma-separated or repeated); default: each harness\'s default' })
      .option('repeat', { alias: 'n', type: 'number', default: 1, describe: 'Runs per combination' })
      .option('concurrency', { alias: 'j', type: 'number', default: 1, describe: 'Runs at once' })
      .option('shard', { type: 'string', describe: 'Run only slice i of n (i/n, 1-based), to split the matrix across CI machines' })
      .option('id', { type: 'string', describe: 'Matrix id (tag matrix:<id>); give the same id to every shard. Default: generated' })
      .option('keep', { type: 'boolean', describe: 'Keep each worktree/copy (their paths are printed)' })
      .option('json', { type: 'boolean', describe: 'Print {matrix, runs, groups} as JSON at the end (progress goes to stderr)' }) as unknown as Argv<MatrixArgs>,
  handler: async (argv) => {
    const { printError } = await import('../io.js');
    const { exitCodeForError } = await import('../exit-codes.js');
    try {
      process.exitCode = await runMatrix(argv);
    } catch (error) {
      printError(error);
      process.exitCode = exitCodeForError(error);
    }
  },
};
