import type { DetectExec, DetectResult } from '@omnigent/core';

/** Version from `claude --version` output, e.g. `2.1.197 (Claude Code)` -> `2.1.197`. */
export function parseClaudeVersion(text: string): DetectResult {
  const m = /(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)(?:\s+\(([^)]+)\))?/.exec(text);
  if (!m) return {};
  return { version: m[1]!, ...(m[2] ? { details: { product: m[2] } } : {}) };
}

/** Find the installed Claude Code version by running `claude --version`. */
export async function detectClaude(_bin: string, exec: DetectExec): Promise<DetectResult> {
  const r = await exec(['--version']);
  return parseClaudeVersion(`${r.stdout}\n${r.stderr}`);
}
