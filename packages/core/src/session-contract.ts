import {
  CONTRACT_VERSION,
  DEFAULT_CAPABILITIES,
  type AnyHarness,
  type HarnessDefinition,
  type HarnessPlugin,
  type RunRequest,
  type TerminalDraft,
} from './contract.js';
import type { NonTerminalDraft } from './events.js';

/**
 * The child's stdio as a byte duplex, for a plugin that holds a conversation with the process
 * (JSON-RPC over stdio, e.g. the Agent Client Protocol). Contract: `readable` carries every stdout
 * byte in order and closes when stdout does (the child exited or was killed); writes to `writable`
 * after the child is gone are dropped, never thrown.
 */
export interface SessionChannel {
  /** The child's stdout. */
  readonly readable: ReadableStream<Uint8Array>;
  /** The child's stdin. */
  readonly writable: WritableStream<Uint8Array>;
}

/** What a session plugin's `session()` gets: the channel, the request, and where events go. */
export interface SessionContext {
  /** The harness name the run goes under (a named agent's name, not only the plugin's). */
  harness: string;
  request: RunRequest;
  /** Working directory of the child (the run's cwd). */
  cwd: string;
  /** The child's environment (user env, request env, the plugin's command env, runner extras, the run marker). */
  env: NodeJS.ProcessEnv;
  channel: SessionChannel;
  /** Publish a normalized event (terminal events are refused: they come from the return value). */
  emit: (draft: NonTerminalDraft) => void;
  /**
   * Aborted when the runner ends the run (Ctrl-C, `--timeout`, the inactivity watchdog): the
   * plugin asks the agent to stop (ACP `session/cancel`) and returns. The process tree is
   * terminated after `cancelGraceMs` whatever the plugin does.
   */
  stop: AbortSignal;
  /** Milliseconds since the run started. */
  elapsedMs: () => number;
}

/**
 * A harness plugin that drives its process through a protocol session instead of translating
 * stdout lines. Contract: `command()` is as for line plugins (argv, env, warnings; `stdin` is
 * ignored: stdin is the channel); `session()` runs the whole conversation and resolves with the
 * terminal outcome (or undefined: the runner decides from the exit); a throw fails the run with
 * reason `error` and its message. Everything else (binary, detect, capabilities) is shared with
 * {@link HarnessDefinition}.
 */
export interface SessionHarnessDefinition<S = unknown>
  extends Omit<HarnessDefinition<S>, 'translate' | 'finish' | 'createState'> {
  session: (ctx: SessionContext) => Promise<TerminalDraft | undefined>;
}

/**
 * A loaded session plugin: a {@link HarnessPlugin} (so discovery, `plugins`, `doctor` and the CLI
 * treat it like any other) whose `protocol` is `session`. Contract: its `translate`/`finish` only
 * exist for an omnigent that predates session plugins: they end such a run with a clear failure.
 */
export interface SessionHarnessPlugin extends HarnessPlugin<undefined> {
  readonly protocol: 'session';
  session: (ctx: SessionContext) => Promise<TerminalDraft | undefined>;
}

/** Define a protocol-session plugin (see {@link SessionHarnessDefinition}); stamps the contract version. */
export function defineSessionHarness(definition: SessionHarnessDefinition): SessionHarnessPlugin {
  const name = definition.name;
  return {
    ...definition,
    kind: 'harness',
    protocol: 'session',
    contractVersion: CONTRACT_VERSION,
    capabilities: { ...DEFAULT_CAPABILITIES, ...definition.capabilities },
    createState: () => undefined,
    // an omnigent without session support spawns the agent with stdin closed: say why nothing happened
    translate: () => [],
    finish: () => ({
      terminal: {
        type: 'run.failed',
        reason: 'error',
        message: `The ${name} plugin holds a protocol session with its agent; this omnigent only runs line plugins. Upgrade omnigent.`,
      },
    }),
  };
}

/** True when `plugin` is a protocol-session plugin (the runner drives it through `session()`). */
export function isSessionPlugin(plugin: AnyHarness | SessionHarnessPlugin): plugin is SessionHarnessPlugin {
  const p = plugin as Partial<SessionHarnessPlugin>;
  return p.protocol === 'session' && typeof p.session === 'function';
}
