import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { ConfigError, UsageError } from '@omnigent/core';
import * as store from '@omnigent/store';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { loadConfig } from '../../config.js';
import { EXIT } from '../../exit-codes.js';
import type { GlobalArgs } from '../../global-args.js';
import { withInterrupts } from '../../interrupts.js';
import { writeOut } from '../../io.js';
import { loadHarnessPlugin } from '../../plugins.js';
import { runHarness } from '../../run-harness.js';
import { comboLabel, combinations, parseShard, shardOf, type MatrixCombination } from './combinations.js';

/** Arguments of `omnigent matrix`. */
export interface MatrixArgs extends GlobalArgs {
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

/** `omnigent matrix`; returns the exit code. Setup errors go to the CLI's error boundary. */
export async function runMatrix(argv: MatrixArgs): Promise<number> {
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

  return withInterrupts(async ({ signal }) => {

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
      while (next < mine.length && !signal.aborted) {
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
            signal: signal,
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
    await Promise.all(Array.from({ length: Math.min(argv.concurrency, mine.length) }, () => worker()));
    if (signal.aborted && results.length < mine.length) {
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
    if (signal.aborted) return EXIT.interrupted;
    return results.length === mine.length && results.every((r) => r.status === 'completed') ? EXIT.ok : EXIT.runFailed;
  }, {
    onFirst: () => process.stderr.write('omnigent: interrupted: stopping the running harnesses (Ctrl-C again to kill them at once)\n'),
  });
}
