import { mkdir } from 'node:fs/promises';
import type { LoadedConfig } from '../../config.js';
import { mockHarnessConfig } from './mock-harnesses.js';
import { startModelRouter } from './model-router.js';
import type { Testkit } from './setup.js';

/** The two scripted "models" of each harness in the demo's eval: the first fixes the bug, the second does not. */
export const DEMO_EVAL_MODELS: Record<string, { fixer: string; lazy: string }> = {
  'claude-code': { fixer: 'claude-sonnet-4-5', lazy: 'claude-haiku-4-5' },
  codex: { fixer: 'gpt-5', lazy: 'gpt-5-mini' },
  pi: { fixer: 'fixer', lazy: 'lazy' },
};

/** The scripted models of the demo's eval and the harness config that reaches them. */
export interface DemoEvalWorld {
  config: LoadedConfig;
  close: () => Promise<void>;
}

/** What the fixing model runs: looks for the hidden test (it is not there), then fixes add(). */
const FIX =
  "ls; cat test/calc.hidden.test.js; sed 's/return a - b/return a + b/' calc.js > calc.js.new && mv calc.js.new calc.js && echo fixed add";
const DONE = 'I fixed add() in calc.js: it returns a + b now.';
const LAZY = 'I read calc.js; add() looks correct to me, so I changed nothing.';

/**
 * Start the demo eval's scripted models for the fix-bug task: per API a mock that fixes add(),
 * one that changes nothing, one that closes after the fix, behind a router choosing by model name
 * ({@link DEMO_EVAL_MODELS}). Contract: scratch files only under `dir`; `close` stops every server.
 */
export async function createDemoEvalWorld(
  testkit: Testkit,
  dir: string,
  bins: Record<string, string | undefined>,
): Promise<DemoEvalWorld> {
  const { startMockAnthropic, startMockResponses, startMockChatCompletions } = testkit;
  const closers: Array<() => Promise<void>> = [];
  try {
    const m = DEMO_EVAL_MODELS;
    const aFix = await startMockAnthropic({
      fallback: {
        content: [{ type: 'tool_use', name: 'Bash', input: { command: FIX, description: 'Fix add()' } }],
        usage: { input: 1000, output: 100 },
      },
    });
    closers.push(() => aFix.close());
    const aLazy = await startMockAnthropic({
      fallback: { content: [{ type: 'text', text: LAZY }], usage: { input: 1000, output: 50 } },
    });
    closers.push(() => aLazy.close());
    const aDone = await startMockAnthropic({
      fallback: { content: [{ type: 'text', text: DONE }], usage: { input: 1200, output: 20 } },
    });
    closers.push(() => aDone.close());
    const rFix = await startMockResponses({
      fallback: { output: [{ type: 'exec_command', cmd: FIX }], usage: { input: 2000, output: 100 } },
    });
    closers.push(() => rFix.close());
    const rLazy = await startMockResponses({
      fallback: { output: [{ type: 'message', text: LAZY }], usage: { input: 2000, output: 50 } },
    });
    closers.push(() => rLazy.close());
    const rDone = await startMockResponses({
      fallback: { output: [{ type: 'message', text: DONE }], usage: { input: 2400, output: 20 } },
    });
    closers.push(() => rDone.close());
    const piModels = [m.pi!.fixer, m.pi!.lazy];
    const cFix = await startMockChatCompletions({
      scripts: [
        {
          turns: [
            { toolCalls: [{ name: 'bash', arguments: { command: FIX } }], usage: { prompt: 1500, completion: 30 } },
          ],
        },
      ],
      models: piModels,
    });
    closers.push(() => cFix.close());
    const cLazy = await startMockChatCompletions({
      scripts: [{ turns: [{ content: LAZY, usage: { prompt: 1500, completion: 25 } }] }],
      models: piModels,
    });
    closers.push(() => cLazy.close());
    const cDone = await startMockChatCompletions({
      fallback: [{ content: DONE, usage: { prompt: 1700, completion: 10 } }],
      models: piModels,
    });
    closers.push(() => cDone.close());
    const route = async (
      h: string,
      fix: { url: string },
      lazy: { url: string },
      done: { url: string },
    ): Promise<string> => {
      const r = await startModelRouter({
        byModel: { [m[h]!.fixer]: fix.url, [m[h]!.lazy]: lazy.url },
        afterTool: done.url,
        fallback: lazy.url,
      });
      closers.push(() => r.close());
      return r.url;
    };
    const urls = {
      anthropic: await route('claude-code', aFix, aLazy, aDone),
      responses: await route('codex', rFix, rLazy, rDone),
      chat: await route('pi', cFix, cLazy, cDone),
    };
    await mkdir(dir, { recursive: true });
    const price = (
      input: number,
      output: number,
    ): { input: number; output: number; cacheRead: number; cacheWrite: number } => ({
      input,
      output,
      cacheRead: 0,
      cacheWrite: 0,
    });
    const harnesses = await mockHarnessConfig(
      dir,
      urls,
      [
        { id: m.pi!.fixer, name: 'Scripted model that fixes the bug', cost: price(2, 8) },
        { id: m.pi!.lazy, name: 'Scripted model that changes nothing', cost: price(1, 4) },
      ],
      bins,
    );
    const close = async (): Promise<void> => void (await Promise.all(closers.map((c) => c().catch(() => undefined))));
    return { config: { dir, config: { harnesses } }, close };
  } catch (error) {
    await Promise.all(closers.map((c) => c().catch(() => undefined)));
    throw error;
  }
}
