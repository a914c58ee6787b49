import { parseVersion, type DetectExec, type DetectResult } from '@omnigent/core';

/** Cursor CLI versions are dates plus a commit, e.g. `2026.09.10-fd3934a`. */
const CURSOR_VERSION = /\b\d{4}\.\d{1,2}\.\d{1,2}-[0-9a-f]{6,}\b/;

/** Read a Cursor CLI version out of `--version` output; undefined when there is none. */
export function parseCursorVersion(text: string): string | undefined {
  return CURSOR_VERSION.exec(text)?.[0];
}

/**
 * `cursor-agent --version`. The fallback name `agent` is generic, so a binary whose version is not
 * date-based is reported as probably not Cursor's (in `details.warning`) instead of trusted.
 */
export async function detectCursor(bin: string, exec: DetectExec): Promise<DetectResult> {
  const r = await exec(['--version']);
  const text = `${r.stdout}\n${r.stderr}`;
  const version = parseCursorVersion(text);
  if (version) return { version, details: { bin } };
  const other = parseVersion(text);
  return {
    ...(other ? { version: other } : {}),
    details: {
      bin,
      warning: `\`${bin} --version\` did not print a Cursor CLI version (like 2026.09.10-fd3934a); is this Cursor's agent?`,
    },
  };
}
