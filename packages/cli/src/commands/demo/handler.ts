import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '@omnigent/core';
import type { GlobalArgs } from '../../global-args.js';
import { useColor, writeOut } from '../../io.js';
import { loadAllPlugins } from '../../plugins.js';

/** Arguments of `omnigent demo`. */
export interface DemoArgs extends GlobalArgs {
  json?: boolean;
  keep?: boolean;
  store?: boolean;
}


/** The example workflow the demo runs: examples/workflows/demo.yaml of the repository this CLI was built in. */
export function demoWorkflowPath(): string | undefined {
  // dist/ and dist/bundle/ sit at different depths below the repository root
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'examples', 'workflows', 'demo.yaml');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/**
 * `omnigent demo`: runs examples/workflows/demo.yaml with the real Claude Code, Codex and Pi CLIs
 * against local scripted model servers (no API key, no network), shows the live view, records the
 * runs, and ends with the comparison table. Returns the exit code.
 */
export async function demoMain(argv: DemoArgs): Promise<number> {
  const color = useColor();
  const say = (text: string): void => {
    if (!argv.json) process.stderr.write(`${text}\n`);
  };
  let world: Awaited<ReturnType<typeof import('./setup.js').createDemoWorld>> | undefined;
  try {
    const DEMO_WORKFLOW = demoWorkflowPath();
    if (!DEMO_WORKFLOW) {
      throw new UsageError('The demo workflow (examples/workflows/demo.yaml) was not found next to this omnigent.', 'omnigent demo runs from a clone of the omnigent repository after `pnpm install && pnpm build`.');
    }
    const { createDemoWorld } = await import('./setup.js');
    const { loadWorkflow } = await import('@omnigent/workflow');
    const { plugins } = await loadAllPlugins({ config: {}, dir: process.cwd() }, process.cwd());
    world = await createDemoWorld(Object.fromEntries(plugins.map((p) => [p.plugin.name, p.dir])));
    const workflow = await loadWorkflow(DEMO_WORKFLOW, { harnesses: plugins.map((p) => p.plugin.name) });
    const bold = (t: string): string => (color ? `\u001b[1m${t}\u001b[22m` : t);
    say(bold('omnigent demo'));
    say('A real workflow on the real Claude Code, Codex and Pi CLIs. The models are scripted: local mock');
    say('servers on 127.0.0.1 play a fixed conversation, so no API key or network is needed and nothing');
    say('here is a real model\'s judgement. Everything else is real: processes, tool calls, files, git.');
    say(`Workflow: ${DEMO_WORKFLOW}`);
    say(`Project:  ${world.project} (a fresh git repository with greet.js)`);
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
    say(`The scripted models answered ${req.anthropic} Anthropic Messages, ${req.responses} OpenAI Responses and ${req.chat} Chat Completions requests.`);
    if (build?.files.length) say(`Claude Code wrote ${build.files.join(', ')} in a worktree; omnigent took the diff from git and applied it.`);
    say(argv.store === false ? 'The runs were not recorded (--no-store).' : 'The runs are recorded: `omnigent runs` lists them, `omnigent compare` compares them.');
    say('With OTEL_EXPORTER_OTLP_ENDPOINT set (e.g. an MLflow server), the same demo is one trace: invoke_workflow > invoke_agent per step.');
    say(`Next: omnigent run -H claude-code "…" with your own key, or omnigent workflow run examples/workflows/plan-build-test-review.yaml.`);
    if (argv.keep) say(`Kept the scratch files: ${world.root}`);
    if (argv.json) await writeOut('');
    return exitCode;
  } finally {
    await world?.close(argv.keep === true);
  }
}
