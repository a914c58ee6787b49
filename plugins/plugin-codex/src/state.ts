import { resolve } from 'node:path';
import type { RunRequest, TokenUsage, UsageConfidence, StateContext } from '@omnigent/core';
import { codexOptions, type CodexPrice } from './options.js';
import { DEFAULT_PROVIDER_ID } from './command.js';
import {
  codexHome,
  configuredModel,
  configuredSetting,
  findRollout,
  fromPreviousUsage,
  rolloutTotals,
} from './usage.js';

/** Where the thread's usage before this run came from. */
export type BaselineSource = 'new-thread' | 'option' | 'rollout' | 'unknown';

/** Per-run translation state. */
export interface CodexState {
  cwd: string;
  model: string | undefined;
  /** The model provider id codex uses (`openai` unless configured otherwise). */
  provider: string;
  resumed: boolean;
  threadId?: string;
  /** Turns started in this process (1-based numbering of `turn.started`). */
  turns: number;
  /** Thread totals before the next `turn.completed` (the baseline, then each total seen). */
  previousTotal: TokenUsage | undefined;
  baselineSource: BaselineSource;
  /** Sum of this run's per-turn deltas. */
  runUsage: TokenUsage | undefined;
  usageConfidence: UsageConfidence;
  price: CodexPrice | undefined;
  completed: boolean;
  /** `turn.failed` message. */
  failure?: string;
  /** Top-level `error` messages (fatal stream errors, normally followed by `turn.failed`). */
  streamErrors: string[];
  lastMessage?: string;
  /** Text of the last `plan` item (plan mode): the answer when no agent message came. */
  lastPlan?: string;
  /** Tool calls started and not yet completed, by item id. */
  openTools: Map<string, string>;
  /** Unknown item types already reported, so a started/updated/completed triplet warns once. */
  reportedUnknown: Set<string>;
}

/**
 * Fresh state for one run. For a resumed thread the usage baseline comes from
 * `options.previousUsage`, else from the thread's rollout file in `$CODEX_HOME/sessions` (read once
 * here, before codex appends to it); without either the per-turn usage is marked `partial`.
 */
export function createCodexState(request: RunRequest, ctx?: StateContext): CodexState {
  const env = ctx?.env ?? process.env;
  const options = codexOptions(request);
  const configModel = options.config?.model;
  const configProvider = options.config?.model_provider;
  const home = codexHome(request, env);
  const fromFile = (key: 'model' | 'model_provider'): string | undefined =>
    options.ignoreUserConfig ? undefined : configuredSetting(home, key, options.profile);
  let previousTotal: TokenUsage | undefined = {};
  let baselineSource: BaselineSource = 'new-thread';
  if (request.resume) {
    if (options.previousUsage) {
      previousTotal = fromPreviousUsage(options.previousUsage);
      baselineSource = 'option';
    } else {
      const file = findRollout(codexHome(request, env), request.resume);
      previousTotal = file ? rolloutTotals(file) : undefined;
      baselineSource = previousTotal ? 'rollout' : 'unknown';
    }
  }
  return {
    cwd: resolve(request.cwd ?? process.cwd()),
    // codex never prints its model: the request's, else the -c override, else config.toml's
    model:
      request.model ??
      (typeof configModel === 'string' ? configModel : undefined) ??
      (options.ignoreUserConfig ? undefined : configuredModel(home, options.profile)),
    // the same precedence as command(): options.provider, the request's, -c overrides, config files
    provider:
      (options.provider
        ? typeof options.provider.id === 'string'
          ? options.provider.id
          : DEFAULT_PROVIDER_ID
        : undefined) ??
      request.provider ??
      (typeof configProvider === 'string' ? configProvider : undefined) ??
      fromFile('model_provider') ??
      'openai',
    resumed: request.resume !== undefined,
    turns: 0,
    previousTotal,
    baselineSource,
    runUsage: undefined,
    usageConfidence: baselineSource === 'unknown' ? 'partial' : 'exact',
    price: options.price,
    completed: false,
    streamErrors: [],
    openTools: new Map(),
    reportedUnknown: new Set(),
  };
}
