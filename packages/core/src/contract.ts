import type { HarnessHistory } from './history.js';
import type { HarnessId, NonTerminalDraft, RunCompletedEvent, RunFailedEvent, EventBase } from './events.js';

/**
 * Version of the harness plugin contract (one integer). Contract: a plugin stamped with another
 * number is refused at load time; additive changes (new optional hooks or fields) keep the number.
 */
export const CONTRACT_VERSION = 1;

/** Permission level for the harness, mapped by each plugin onto its own flags. Default: `default`. */
export type PermissionMode =
  /** The harness's own default policy. */
  | 'default'
  /** No edits (Claude `plan`, Codex `-s read-only`). */
  | 'read-only'
  /** Edits in the working directory are allowed without asking. */
  | 'accept-edits'
  /** Everything is allowed (dangerous; Claude needs `IS_SANDBOX=1` as root). */
  | 'bypass';

/**
 * One MCP server as omnigent's config declares it (`mcp.servers.<name>`), with secrets already
 * resolved from the environment. Each plugin writes its harness's own form of it (flags or a private
 * temp file), never the user's own config files.
 */
export type McpServerSpec =
  | {
      type: 'stdio';
      command: string;
      args?: string[];
      env?: Record<string, string>;
      cwd?: string;
    }
  | {
      /** Streamable HTTP. */
      type: 'http';
      url: string;
      headers?: Record<string, string>;
    };

/** What the user asked a harness to do. Every field but `prompt` is optional. */
export interface RunRequest {
  prompt: string;
  /** Model id as the harness understands it (or `provider/model` where the harness does). */
  model?: string;
  /** Working directory of the child. Default: the current directory. */
  cwd?: string;
  /** Resume this harness session/thread id. */
  resume?: string;
  /** Force the new session's id (harnesses that support it). */
  sessionId?: string;
  /** Default: `default`. */
  permissionMode?: PermissionMode;
  /** Tools pre-approved (harness syntax, e.g. `Bash(git *)`). */
  allowedTools?: string[];
  /** Tools forbidden (harness syntax). */
  disallowedTools?: string[];
  /** Replace the system prompt. */
  systemPrompt?: string;
  /** Append to the harness's system prompt. */
  appendSystemPrompt?: string;
  maxTurns?: number;
  /** Wall-clock limit for the whole run in milliseconds. */
  timeoutMs?: number;
  /** Extra environment for the child (merged over the user's environment). */
  env?: Record<string, string>;
  /** Extra arguments passed through to the harness CLI, verbatim. */
  extraArgs?: string[];
  /** Model API base URL override (e.g. a local OpenAI-compatible server). */
  baseUrl?: string;
  /** Model provider name, for harnesses that take one (Pi, Codex). */
  provider?: string;
  /** Plugin-specific options from `omnigent.config.*` (`[name, options]`). */
  options?: Record<string, unknown>;
  /** MCP servers the harness gets for this run, by name (`--mcp a,b`). Default: none. */
  mcpServers?: Record<string, McpServerSpec>;
}

/** How to spawn the harness: what `command()` returns. The runner does the spawning. */
export interface CommandSpec {
  /** Arguments after the binary. */
  args: string[];
  /** Environment overrides; `undefined` removes a variable. The user's environment is inherited. */
  env?: Record<string, string | undefined>;
  /** Child working directory. Default: `request.cwd` or the current directory. */
  cwd?: string;
  /** Text written to the child's stdin, which is then closed. Default: stdin closed at once. */
  stdin?: string;
  /** Request fields the harness cannot honour; the runner reports each as a `warning` event. */
  warnings?: string[];
}

/** Context handed to `command()`. */
export interface CommandContext {
  /** Resolved path of the harness binary. */
  bin: string;
  /** Whether the process runs as root (some harnesses refuse bypass modes then). */
  isRoot: boolean;
}

/** Context handed to `createState()`. */
export interface StateContext {
  /** The environment the child will get, before the plugin's own `command().env` overrides. */
  env: NodeJS.ProcessEnv;
}

/** Context handed to `translate()`. */
export interface TranslateContext {
  request: RunRequest;
  /** The raw line (without the newline). */
  line: string;
  /** Milliseconds since the run started. */
  elapsedMs: number;
}

/** How the child ended, handed to `finish()`. */
export interface ExitInfo {
  exitCode?: number;
  signal?: string;
  /** The last lines of stderr (bounded). */
  stderrTail: string;
  durationMs: number;
  /** The runner ended the run (timeout, inactivity, abort); its own terminal event wins. */
  endedByRunner?: 'timeout' | 'aborted';
}

type TerminalFields<T> = Omit<T, keyof EventBase | 'durationMs'> & { durationMs?: number };

/** A terminal event as `finish()` returns it. */
export type TerminalDraft = TerminalFields<RunCompletedEvent> | TerminalFields<RunFailedEvent>;

/** What `finish()` returns: last events, and the terminal outcome (default: from the exit code). */
export interface FinishResult {
  events?: NonTerminalDraft[];
  terminal?: TerminalDraft;
}

/** What a harness can do, as data. */
export interface HarnessCapabilities {
  /** Can resume an earlier session by id. Default: false. */
  resume: boolean;
  /** Granularity of token usage the harness reports. Default: `none`. */
  tokenUsage: 'per-call' | 'per-turn' | 'per-run' | 'none';
  /** Reports a cost figure itself. Default: false. */
  cost: boolean;
  /** Reports model reasoning. Default: false. */
  reasoning: boolean;
  /** Streams assistant text as deltas. Default: false. */
  streamingText: boolean;
  /** Runs sub-agents whose events are nested under a tool call. Default: false. */
  subagents: boolean;
  /** Has a sandbox / permission system of its own. Default: false. */
  sandbox: boolean;
  /** Reports file changes as such. Default: false. */
  fileChanges: boolean;
  /** Honours a W3C `TRACEPARENT` environment variable for its own spans. Default: false. */
  traceparent: boolean;
  /**
   * Gives the harness `request.mcpServers` (in its own form). Default: false: a plugin without it
   * says so in `CommandSpec.warnings`, and the run store does not record the servers as used.
   */
  mcp: boolean;
}

/** Where the harness binary comes from. */
export interface BinarySpec {
  /** Executable names looked up on PATH, in order (e.g. `['cursor-agent', 'agent']`). */
  names: string[];
  /** npm package that ships the binary, resolved when installed next to the plugin. */
  npmPackage?: string;
  /** The bin name inside `npmPackage`. Default: `names[0]`. */
  npmBin?: string;
  /** The command a user runs to install the harness. */
  install: string;
}

/** What `detect()` learned about an installed harness. */
export interface DetectResult {
  version?: string;
  details?: Record<string, unknown>;
}

/** Runs the harness binary for detection (`--version`), bounded in time. */
export type DetectExec = (args: string[]) => Promise<{ stdout: string; stderr: string; exitCode: number | undefined }>;

/** A harness plugin as authors define it. */
export interface HarnessDefinition<S = unknown> {
  /** Harness id used with `-H`. */
  name: HarnessId;
  /** Human name, e.g. `Claude Code`. */
  displayName?: string;
  meta: {
    /** The plugin package's version. */
    version: string;
    /** Package name, for messages. */
    packageName?: string;
  };
  capabilities: Partial<HarnessCapabilities>;
  binary: BinarySpec;
  /** GenAI provider name for telemetry (`anthropic`, `openai`, `cursor`…), when fixed. */
  provider?: string;
  /** What `omnigent doctor` tells a user whose harness is missing or not set up (install, login). */
  doctorHint?: string;
  /** Names of the environment variables that carry credentials (shown by `doctor`, never their values). */
  credentialEnv?: string[];
  /** Find the version of an installed binary. Default: `<bin> --version`, first version-looking token. */
  detect?: (bin: string, exec: DetectExec) => Promise<DetectResult>;
  /**
   * Map a request onto the harness's argv/env. Contract: no spawning and no network; the same
   * request gives the same spec. Request fields the harness cannot honour go in `warnings` (the
   * only route for them). A plugin may write an idempotent, content-addressed file the CLI can
   * only read from a path (Codex's replacement system prompt); nothing else touches the disk.
   */
  command: (request: RunRequest, ctx: CommandContext) => CommandSpec;
  /**
   * New per-run translate state. `ctx.env` is the child's environment (user env, request env,
   * runner extras). Default: `undefined` as the state (for translators that need none).
   */
  createState?: (request: RunRequest, ctx?: StateContext) => S;
  /** One parsed stdout line (JSON) -> normalized events. Pure apart from `state`. */
  translate: (record: unknown, state: S, ctx: TranslateContext) => NonTerminalDraft[];
  /**
   * The child ended: last events and the terminal outcome. Default: no events and no terminal, so
   * the runner decides from the exit (code 0 completes; anything else fails with reason `exit`,
   * naming the plugin and the last stderr line).
   */
  finish?: (state: S, exit: ExitInfo) => FinishResult;
  /** Reads the harness's own session files for `omnigent import`. Default: none (not importable). */
  history?: HarnessHistory;
}

/**
 * A harness plugin as loaded: the definition plus filled-in defaults and the contract stamp.
 * Contract: `defineHarness` fills `createState` and `finish` when the author left them out, so a
 * plugin made by it also runs on an omnigent that still calls both unconditionally.
 */
export interface HarnessPlugin<S = unknown> extends HarnessDefinition<S> {
  readonly kind: 'harness';
  readonly contractVersion: number;
  readonly capabilities: HarnessCapabilities;
  createState: (request: RunRequest, ctx?: StateContext) => S;
  finish: (state: S, exit: ExitInfo) => FinishResult;
}

/**
 * A loaded plugin whatever its state type (what the runner, sinks and test suites hold).
 * Contract: the state is opaque to the holder; it only passes `createState`'s value back in.
 */
// The one `any` of the contract: S is both returned (createState) and taken (translate, finish),
// so neither `unknown` nor `never` accepts every `HarnessPlugin<S>`; TypeScript has no existential.
// biome-ignore lint/suspicious/noExplicitAny: the one documented `any` of the contract (see above)
export type AnyHarness = HarnessPlugin<any>;

/** Capabilities a plugin does not declare. */
export const DEFAULT_CAPABILITIES: HarnessCapabilities = {
  resume: false,
  tokenUsage: 'none',
  cost: false,
  reasoning: false,
  streamingText: false,
  subagents: false,
  sandbox: false,
  fileChanges: false,
  traceparent: false,
  mcp: false,
};

/** Define a harness plugin: fills capability and hook defaults and stamps the contract version. */
export function defineHarness<S = undefined>(definition: HarnessDefinition<S>): HarnessPlugin<S> {
  return {
    ...definition,
    kind: 'harness',
    contractVersion: CONTRACT_VERSION,
    capabilities: { ...DEFAULT_CAPABILITIES, ...definition.capabilities },
    // a plugin without state gets `undefined`: S defaults to it when no createState is given
    createState: definition.createState ?? (() => undefined as S),
    // no terminal: the runner decides from the exit (its message names the plugin and stderr)
    finish: definition.finish ?? (() => ({})),
  };
}

/** True when `value` looks like a loaded harness plugin (any contract version). */
export function isHarnessPlugin(value: unknown): value is HarnessPlugin {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    v.kind === 'harness' &&
    typeof v.name === 'string' &&
    typeof v.command === 'function' &&
    typeof v.translate === 'function'
  );
}
