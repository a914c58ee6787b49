import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../../exit-codes.js';
import { cliPackageRoot } from '../../install-dirs.js';
import { DEMO_EVAL_MODELS, createDemoEvalWorld } from './eval-world.js';
import type { Testkit } from './setup.js';

/** The eval suite shipped in the CLI package (`demo/evals`, a copy of examples/evals' fix-bug task). */
export function demoEvalSuitePath(): string | undefined {
  const root = cliPackageRoot();
  const suite = root ? join(root, 'demo', 'evals') : undefined;
  return suite && existsSync(join(suite, 'fix-bug', 'task.yaml')) ? suite : undefined;
}

/** What the demo's eval needs from the demo. */
export interface DemoEvalOptions {
  testkit: Testkit;
  /** The demo's scratch root; the eval's homes and (with `store: false`) its store go under it. */
  root: string;
  /** Binaries of the harness CLIs the user has, by harness name (the eval runs on these). */
  bins: Record<string, string>;
  /** Record the runs in the user's store. Default: true; false keeps them in a scratch store. */
  store: boolean;
  /** Narration (stderr). */
  say: (text: string) => void;
}

/**
 * The demo's closing eval: the fix-bug task on each harness the user has, with two scripted
 * models (one fixes the bug, one does not), 1 repeat, 2 cells at once, through `omnigent eval`'s
 * own handler (same cells, checks, store, statistics, table, interrupt policy). Returns its exit code.
 */
export async function runDemoEval(o: DemoEvalOptions): Promise<number> {
  const suite = demoEvalSuitePath();
  const harnesses = Object.keys(DEMO_EVAL_MODELS).filter((h) => o.bins[h] !== undefined);
  if (!suite || !harnesses.length) {
    o.say(
      suite
        ? 'No harness CLI for the eval; skipped it.'
        : 'The demo eval (demo/evals) is missing from this package; skipped it.',
    );
    return EXIT.ok;
  }
  const modelsByHarness = Object.fromEntries(
    harnesses.map((h) => [h, [DEMO_EVAL_MODELS[h]!.lazy, DEMO_EVAL_MODELS[h]!.fixer]]),
  );
  o.say('');
  o.say('Now a small eval: did the agent do the task? The fix-bug task (calc.js: add() subtracts) runs on');
  o.say(
    `${harnesses.join(', ')} with two scripted models each: ${harnesses.map((h) => `${DEMO_EVAL_MODELS[h]!.fixer} fixes the bug, ${DEMO_EVAL_MODELS[h]!.lazy} does not`).join('; ')}.`,
  );
  o.say('Each run gets its own copy of the code; hidden tests the agent never sees decide pass or fail.');
  o.say('');
  const world = await createDemoEvalWorld(o.testkit, join(o.root, 'eval'), o.bins);
  const savedStore = process.env.OMNIGENT_STORE;
  // --no-store: the eval still tallies from a store, a scratch one deleted with the demo's files
  if (!o.store) process.env.OMNIGENT_STORE = join(o.root, 'eval-store');
  try {
    const { runEval } = await import('../eval/handler.js');
    const code = await runEval(
      { suite: [suite], harness: harnesses, variant: ['agent'], repeat: 1, concurrency: 2 },
      { config: world.config, modelsByHarness },
    );
    if (code === EXIT.interrupted) return code;
    o.say('');
    o.say(
      'What it shows: a model that fixes the bug passes the hidden tests, one that does not fails; with one run each the intervals are wide ("not enough runs to tell"), so real evals repeat.',
    );
    o.say(
      `With your own keys: omnigent eval ${suite} --harness claude-code --model claude-sonnet-4-5,claude-haiku-4-5 --repeat 5`,
    );
    if (!o.store) o.say('The eval runs were kept in a scratch store, now deleted (--no-store).');
    return code;
  } finally {
    if (!o.store) {
      if (savedStore === undefined) delete process.env.OMNIGENT_STORE;
      else process.env.OMNIGENT_STORE = savedStore;
    }
    await world.close();
  }
}
