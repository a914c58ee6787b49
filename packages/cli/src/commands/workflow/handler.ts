import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '@omnigent/core';
import { WorkflowError, loadWorkflow, stepsUsingInput, type Workflow } from '@omnigent/workflow';
import { loadConfig, type LoadedConfig } from '../../config.js';
import { EXIT } from '../../exit-codes.js';
import type { GlobalArgs } from '../../global-args.js';
import { STDIN_MARKER, readStdin, writeOut } from '../../io.js';
import { loadAllPlugins } from '../../plugins.js';

/** Arguments of `omnigent workflow run|validate`. */
export interface WorkflowArgs extends GlobalArgs {
  file?: string;
  input?: string;
  set?: string[];
  concurrency?: number;
  cwd?: string;
  json?: boolean;
  store?: boolean;
  tag?: string[];
}

async function readInput(value: string | undefined): Promise<string | undefined> {
  if (value === undefined) return undefined;
  if (value === '-' || value === STDIN_MARKER) return (await readStdin()).replace(/\n$/, '');
  if (value.startsWith('@')) {
    const file = value.slice(1);
    try {
      return (await readFile(file, 'utf8')).replace(/\n$/, '');
    } catch (error) {
      throw new UsageError(`--input ${value}: cannot read ${file}: ${(error as Error).message}`);
    }
  }
  return value;
}

/** Installed harness ids, so a workflow naming another one fails validation (exit 2) before anything runs. */
async function installedHarnesses(config: LoadedConfig, cwd: string): Promise<string[]> {
  const { plugins } = await loadAllPlugins(config, cwd);
  return [...new Set(plugins.map((p) => p.plugin.name))];
}

/** Load config and workflow; throws WorkflowError / ConfigError (exit 2). */
async function prepare(argv: WorkflowArgs, cwd: string): Promise<{ config: LoadedConfig; workflow: Workflow }> {
  if (!argv.file)
    throw new UsageError(
      'No workflow file given.',
      'omnigent workflow run examples/workflows/plan-build-test-review.yaml',
    );
  const config = await loadConfig(cwd, argv.config);
  const harnesses = await installedHarnesses(config, cwd);
  const workflow = await loadWorkflow(resolve(argv.file), {
    harnesses,
    ...(argv.set?.length ? { set: argv.set } : {}),
  });
  // `validate` catches a step's unknown MCP server too, not only `run`
  const { checkMcpNames, mcpNames } = await import('../../mcp-resolve.js');
  for (const st of workflow.steps) checkMcpNames(mcpNames(st.mcp, config), config, `step "${st.id}"`);
  return { config, workflow };
}

/** `omnigent workflow run`; returns the exit code. Setup errors go to the CLI's error boundary. */
export async function workflowRunMain(argv: WorkflowArgs): Promise<number> {
  const baseDir = resolve(argv.cwd ?? process.cwd());
  // checked first: a missing base dir would otherwise surface as "unknown harness" (no config found there)
  if (
    !(await stat(baseDir).then(
      (st) => st.isDirectory(),
      () => false,
    ))
  ) {
    throw new UsageError(
      `--cwd ${argv.cwd}: no such directory (${baseDir})`,
      'Give -C the project directory the steps should run in.',
    );
  }
  const { config, workflow } = await prepare(argv, baseDir);
  const input = await readInput(argv.input);
  const needInput = stepsUsingInput(workflow.steps);
  if (input !== undefined && !input.trim() && needInput.length) {
    throw new UsageError(
      `--input ${argv.input === STDIN_MARKER ? '-' : argv.input}: the input is empty, and step${needInput.length === 1 ? '' : 's'} ${needInput.join(', ')} would get nothing as {{ input }}.`,
      'Give the task as --input "…", --input @task.md or on stdin with --input -.',
    );
  }
  if (input === undefined && workflow.input === undefined && needInput.length) {
    // running on would send "Task: " with nothing after it to every agent that needs the input
    throw new UsageError(
      `${workflow.file ?? 'The workflow'} uses {{ input }} (step${needInput.length === 1 ? '' : 's'} ${needInput.join(', ')}) and no input was given.`,
      'Give it with --input "…", --input @task.md or --input - (stdin), or set input: in the workflow file.',
    );
  }
  const { executeWorkflow } = await import('./exec.js');
  const { exitCode } = await executeWorkflow({
    workflow,
    config,
    ...(input !== undefined ? { input } : {}),
    baseDir,
    ...(argv.concurrency !== undefined ? { concurrency: argv.concurrency } : {}),
    json: argv.json === true,
    store: argv.store !== false,
    tags: argv.tag ?? [],
  });
  return exitCode;
}

/** `omnigent workflow validate`; returns the exit code. */
export async function workflowValidateMain(argv: WorkflowArgs): Promise<number> {
  try {
    const { workflow } = await prepare(argv, process.cwd());
    if (argv.json) await writeOut(`${JSON.stringify({ valid: true, workflow }, null, 2)}\n`);
    else {
      const lines = [
        `${workflow.file}: valid workflow "${workflow.name}", ${workflow.steps.length} step${workflow.steps.length === 1 ? '' : 's'}`,
      ];
      for (const s of workflow.steps) {
        lines.push(
          `  ${s.id}: ${s.harness}${s.model ? ` · ${s.model}` : ''}${s.needs.length ? ` (needs ${s.needs.join(', ')})` : ''}${s.isolation === 'worktree' ? ' [worktree]' : ''}`,
        );
      }
      const usesInput = stepsUsingInput(workflow.steps);
      if (usesInput.length) {
        lines.push(
          workflow.input !== undefined
            ? `  {{ input }} defaults to the file's input: (--input replaces it)`
            : `  run it with --input "…": step${usesInput.length === 1 ? '' : 's'} ${usesInput.join(', ')} use${usesInput.length === 1 ? 's' : ''} {{ input }}`,
        );
      }
      await writeOut(`${lines.join('\n')}\n`);
    }
    return EXIT.ok;
  } catch (error) {
    if (argv.json && error instanceof WorkflowError) {
      await writeOut(`${JSON.stringify({ valid: false, issues: error.issues }, null, 2)}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
