import type { PermissionMode } from '@omnigent/core';
import { isRecord } from '@omnigent/core/kit';

/** What the permission policy does with a request that neither the mode nor the lists decide. */
export type PermissionFallback = 'allow' | 'reject';

/**
 * Options of the ACP plugin (`harnesses.<name>.options`, or `[@omnigent/plugin-acp, {...}]`).
 * Every field is optional.
 */
export interface AcpOptions {
  /**
   * Permission rules for `--permission-mode default` (and what `accept-edits` leaves open). An entry
   * is an ACP tool kind (`read`, `edit`, `delete`, `move`, `search`, `execute`, `think`, `fetch`,
   * `switch_mode`, `other`) or a tool name/title pattern (`*` matches anything). Deny wins over allow.
   */
  permissions?: { allow?: string[]; deny?: string[]; fallback?: PermissionFallback };
  /** Serve `fs/read_text_file` and `fs/write_text_file` inside the run's cwd. Default: true. */
  fs?: boolean;
  /** Serve `terminal/*` (commands run in the run's cwd). Default: true. */
  terminal?: boolean;
  /** Environment for the agent (merged over the user's). Default: none. */
  env?: Record<string, string>;
  /**
   * The agent's own session mode for each `--permission-mode` (`session/set_mode` after the session
   * starts), e.g. codex-acp: `{ "accept-edits": "auto", "bypass": "full-access" }`. Default: none
   * (the agent keeps its default mode; omnigent's answers to its permission requests still apply).
   */
  modes?: Partial<Record<PermissionMode, string>>;
  /** Seconds the agent gets to answer `initialize` (npx may download it first). Default: 120. */
  startTimeout?: number;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

/** The plugin's options from a request's `options`, with wrong types dropped. */
export function acpOptions(options: Record<string, unknown> | undefined): AcpOptions {
  const o = options ?? {};
  const p = isRecord(o.permissions) ? o.permissions : {};
  const allow = strings(p.allow);
  const deny = strings(p.deny);
  const fallback = p.fallback === 'allow' || p.fallback === 'reject' ? p.fallback : undefined;
  const env = isRecord(o.env)
    ? Object.fromEntries(Object.entries(o.env).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : undefined;
  const modes = isRecord(o.modes)
    ? Object.fromEntries(
        Object.entries(o.modes).filter(
          (e): e is [PermissionMode, string] =>
            typeof e[1] === 'string' && ['default', 'read-only', 'accept-edits', 'bypass'].includes(e[0]),
        ),
      )
    : undefined;
  return {
    permissions: { ...(allow ? { allow } : {}), ...(deny ? { deny } : {}), ...(fallback ? { fallback } : {}) },
    ...(modes ? { modes } : {}),
    ...(typeof o.startTimeout === 'number' && o.startTimeout > 0 ? { startTimeout: o.startTimeout } : {}),
    fs: o.fs !== false,
    terminal: o.terminal !== false,
    ...(env ? { env } : {}),
  };
}
