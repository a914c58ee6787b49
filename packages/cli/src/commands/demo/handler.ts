import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, firstPartyPackage, resolveBinary, type LoadedPlugin } from '@omnigent/core';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { EXIT } from '../../exit-codes.js';
import { cliPackageRoot, installCommandFor } from '../../install-dirs.js';
import { MissingPackageError, importOptional } from '../../optional-package.js';
import { planDemo, type DemoStep } from './plan.js';
import { findPackageBin } from './setup.js';
import type { GlobalArgs } from '../../global-args.js';
import { useColor, writeOut } from '../../io.js';
import { loadAllPlugins } from '../../plugins.js';

/** Arguments of `omnigent demo`. */
export interface DemoArgs extends GlobalArgs {
  json?: boolean;
  keep?: boolean;
  store?: boolean;
  /** End with the small eval (default true; `--no-eval` skips it). */
  eval?: boolean;
}

/** The demo workflow shipped in the CLI package (`demo/demo.yaml`, a copy of examples/workflows/demo.yaml). */
export function demoWorkflowPath(): string | undefined {
  const root = cliPackageRoot();
  const shipped = root ? join(root, 'demo', 'demo.yaml') : undefined;
  return shipped && existsSync(shipped) ? shipped : undefined;
}

/** npm package and bin name of each demo harness's CLI. */
const HARNESS_CLIS: Record<string, { pkg: string; bin: string; label: string }> = {
  'claude-code': { pkg: '@anthropic-ai/claude-code', bin: 'claude', label: 'Claude Code' },
  codex: { pkg: '@openai/codex', bin: 'codex', label: 'Codex' },
  pi: { pkg: '@mariozechner/pi-coding-agent', bin: 'pi', label: 'Pi' },
};

/** The harness CLI binary the user has for `harness`: next to its plugin, else where core looks (PATH, env, npm). */
function harnessBinary(loaded: LoadedPlugin | undefined, harness: string): string | undefined {
  if (!loaded) return undefined;
  const cli = HARNESS_CLIS[harness];
  const near = loaded.dir && cli ? findPackageBin(loaded.dir, cli.pkg, cli.bin) : undefined;
  if (near) return near;
  try {
    return resolveBinary(loaded.plugin, { resolveFrom: [...(loaded.dir ? [loaded.dir] : []), process.cwd()] }).path;
  } catch {
    return undefined;
  }
}

/**
 * `omnigent demo`: runs examples/workflows/demo.yaml with the real Claude Code, Codex and Pi CLIs
 * against local scripted model servers (no API key, no network), shows the live view, records the
 * runs, and ends with the comparison table, then (unless `--no-eval` or `--json`) a small eval of
 * the fix-bug task with a scripted model that fixes it and one that does not. Returns the exit code.
 */
export async function demoMain(argv: DemoArgs): Promise<number> {
  const color = useColor();
  const say = (text: string): void => {
    if (!argv.json) process.stderr.write(`${text}\n`);
  };
  let world: Awaited<ReturnType<typeof import('./setup.js').createDemoWorld>> | undefined;
  try {
    const DEMO_WORKFLOW = demoWorkflowPath();
    if (!DEMO_WORKFLOW)
      throw new UsageError(
        'The demo workflow (demo/demo.yaml) is missing from this omnigent package.',
        `Reinstall it: ${installCommandFor('omnigent')}`,
      );
    // the scripted model servers live in the testkit, an optional package found like a plugin
    const testkit = await importOptional<typeof import('@omnigent/testkit')>('@omnigent/testkit');
    if (!testkit) throw new MissingPackageError('@omnigent/testkit', 'omnigent demo (its scripted model servers)');
    const { createDemoWorld } = await import('./setup.js');
    const { parseWorkflow } = await import('@omnigent/workflow');
    const { plugins } = await loadAllPlugins({ config: {}, dir: process.cwd() }, process.cwd());
    const byName = new Map(plugins.map((p) => [p.plugin.name, p]));
    const bins: Record<string, string> = {};
    for (const h of Object.keys(HARNESS_CLIS)) {
      const bin = harnessBinary(byName.get(h), h);
      if (bin) bins[h] = bin;
    }
    // run the steps of the harnesses the user has; skip the others, saying what to install
    const doc = parseYaml(readFileSync(DEMO_WORKFLOW, 'utf8')) as {
      steps: Array<{ id: string; harness: string; needs?: string | string[] }>;
    };
    const steps: DemoStep[] = doc.steps.map((st) => ({
      id: st.id,
      harness: st.harness,
      needs: st.needs === undefined ? [] : Array.isArray(st.needs) ? st.needs : [st.needs],
    }));
    const plan = planDemo(steps, (h) => bins[h] !== undefined);
    const installHints = [
      ...new Set(plan.skipped.filter((k) => bins[k.harness] === undefined).map((k) => k.harness)),
    ].map((h) => {
      const cli = HARNESS_CLIS[h]!;
      const plugin = byName.has(h) ? '' : `${firstPartyPackage(h) ?? h} `;
      return `${cli.label}: ${installCommandFor(`${plugin}${cli.pkg}`)}`;
    });
    if (plan.run.length === 0) {
      throw new UsageError(
        'omnigent demo needs the Claude Code CLI and its plugin at least (the other steps build on its change).',
        `Install: ${installHints.join('; ')}`,
      );
    }
    doc.steps = doc.steps.filter((st) => plan.run.includes(st.id));
    const workflow = parseWorkflow(stringifyYaml(doc), {
      file: DEMO_WORKFLOW,
      harnesses: plugins.map((p) => p.plugin.name),
    });
    world = await createDemoWorld(testkit, bins);
    const bold = (t: string): string => (color ? `\u001b[1m${t}\u001b[22m` : t);
    say(bold('omnigent demo'));
    say('A real workflow on the real Claude Code, Codex and Pi CLIs. The models are scripted: local mock');
    say('servers on 127.0.0.1 play a fixed conversation, so no API key or network is needed and nothing');
    say("here is a real model's judgement. Everything else is real: processes, tool calls, files, git.");
    say(`Workflow: ${DEMO_WORKFLOW}`);
    say(`Project:  ${world.project} (a fresh git repository with greet.js)`);
    for (const k of plan.skipped) say(`Skipped step ${k.id} (${k.harness}): ${k.why}.`);
    if (installHints.length) say(`To run every step, install: ${installHints.join('; ')}`);
    say('');
    const { executeWorkflow } = await import('../workflow/exec.js');
    const { exitCode, result } = await executeWorkflow({
      workflow,
      config: world.config,
      baseDir: world.project,
      json: argv.json === true,
      store: argv.store !== false,
      tags: ['demo'],
      worktreeRoot: `${world.root}/worktrees`,
    });
    const req = world.requests();
    const build = result.steps.find((s) => s.id === 'build');
    say('');
    say(
      `The scripted models answered ${req.anthropic} Anthropic Messages, ${req.responses} OpenAI Responses and ${req.chat} Chat Completions requests.`,
    );
    if (build?.files.length)
      say(`Claude Code wrote ${build.files.join(', ')} in a worktree; omnigent took the diff from git and applied it.`);
    say(
      argv.store === false
        ? 'The runs were not recorded (--no-store).'
        : 'The runs are recorded: `omnigent runs` lists them, `omnigent compare` compares them.',
    );
    say(
      'With OTEL_EXPORTER_OTLP_ENDPOINT set (e.g. an MLflow server), the same demo is one trace: invoke_workflow > invoke_agent per step.',
    );
    let code = exitCode;
    // the eval after a workflow that worked; --json keeps stdout the workflow's JSONL
    if (exitCode === EXIT.ok && argv.eval !== false && !argv.json) {
      const { runDemoEval } = await import('./demo-eval.js');
      const evalCode = await runDemoEval({ testkit, root: world.root, bins, store: argv.store !== false, say });
      if (evalCode !== EXIT.ok) code = evalCode === EXIT.interrupted ? evalCode : EXIT.runFailed;
    }
    if (code === EXIT.interrupted) return code;
    say('');
    say(
      `Next: omnigent run -H claude-code "…" with your own key, or omnigent workflow run examples/workflows/plan-build-test-review.yaml.`,
    );
    if (argv.keep) say(`Kept the scratch files: ${world.root}`);
    if (argv.json) await writeOut('');
    return code;
  } finally {
    await world?.close(argv.keep === true);
  }
}
