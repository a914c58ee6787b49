import pc from 'picocolors';
import type { OmnigentEvent, TokenUsage } from '@omnigent/core';
import { USAGE_KEYS } from '@omnigent/core/events';
// Harness text is shown, never sent raw: escape sequences in it could drive the terminal.
import { terminalSafe as safe } from '@omnigent/store';

/** Sum usages without inventing zeros: a figure stays undefined when no usage reported it. */
function sumUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  const out: TokenUsage = {
    ...((a.costSource ?? b.costSource) ? { costSource: (a.costSource ?? b.costSource)! } : {}),
  };
  for (const k of USAGE_KEYS) if (a[k] !== undefined || b[k] !== undefined) out[k] = (a[k] ?? 0) + (b[k] ?? 0);
  return out;
}

type Colors = ReturnType<typeof pc.createColors>;

/** Output options of the human renderer. */
export interface RenderOptions {
  write: (text: string) => void;
  /** Colors and symbols (a TTY without NO_COLOR). */
  color: boolean;
}

const fmtInt = (n: number): string => n.toLocaleString('en-US');

/** `1.2s`, `850ms`, `2m05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m${String(s).padStart(2, '0')}s`;
}

/** `in 1,234 (cache 1,000) · out 56 · reasoning 7 · $0.0123`; unknown figures are left out, never 0. */
export function formatUsage(u: TokenUsage): string {
  const parts: string[] = [];
  if (u.input !== undefined) {
    const cache = (u.cacheRead ?? 0) + (u.cacheWrite ?? 0);
    parts.push(
      `in ${fmtInt(u.input)}${u.cacheRead !== undefined || u.cacheWrite !== undefined ? ` (cache ${fmtInt(cache)})` : ''}`,
    );
  }
  if (u.output !== undefined) parts.push(`out ${fmtInt(u.output)}`);
  if (u.reasoning !== undefined) parts.push(`reasoning ${fmtInt(u.reasoning)}`);
  if (u.costUsd !== undefined)
    parts.push(
      `$${u.costUsd.toFixed(4)}${u.costSource === 'harness-estimate' || u.costSource === 'catalog-estimate' ? ' (est.)' : ''}`,
    );
  return parts.length ? parts.join(' · ') : 'unknown';
}

/** One-line summary of a tool input: the command, path, pattern or URL, else compact JSON. */
export function summarizeInput(input: unknown, max = 100): string {
  let s: string;
  if (input && typeof input === 'object') {
    const o = input as Record<string, unknown>;
    const key = ['command', 'cmd', 'file_path', 'path', 'pattern', 'query', 'url', 'description', 'prompt'].find(
      (k) => typeof o[k] === 'string',
    );
    s = key ? String(o[key]) : JSON.stringify(input);
  } else s = typeof input === 'string' ? input : (JSON.stringify(input) ?? '');
  s = s.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function firstLine(output: unknown): string {
  const text =
    typeof output === 'string' ? output : output === null || output === undefined ? '' : JSON.stringify(output);
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/**
 * Human renderer: assistant text as it arrives, each tool call with its arguments summarised, then
 * its status and duration, token usage per turn, and a final summary line.
 */
export function createRenderer(options: RenderOptions): (event: OmnigentEvent) => void {
  const c: Colors = pc.createColors(options.color);
  const sym = options.color
    ? { tool: '⏺', ok: '✓', fail: '✗', warn: '!' }
    : { tool: '>', ok: 'ok', fail: 'FAILED', warn: 'warning:' };
  let atLineStart = true;
  let streamed = false;
  let turns = 0;
  // run totals when the harness gives none: the sum over the finest scope it reported
  const sums: Partial<Record<'call' | 'turn', TokenUsage>> = {};
  const out = (text: string): void => {
    if (!text) return;
    options.write(text);
    atLineStart = text.endsWith('\n');
  };
  const line = (text: string): void => {
    if (!atLineStart) out('\n');
    out(`${text}\n`);
  };
  return (e) => {
    switch (e.type) {
      case 'session.started':
        line(
          c.dim(
            safe(
              `${e.harness}${e.harnessVersion ? ` ${e.harnessVersion}` : ''}${e.model ? ` · ${e.model}` : ''}${e.sessionId ? ` · session ${e.sessionId}` : ''}`,
            ),
          ),
        );
        break;
      case 'message.delta':
        if (e.parentCallId) break;
        streamed = true;
        out(safe(e.text));
        break;
      case 'message':
        if (e.role !== 'assistant' || e.parentCallId) break;
        if (streamed) {
          streamed = false;
          if (!atLineStart) out('\n');
        } else line(safe(e.text));
        break;
      case 'tool.started':
        line(
          `${c.cyan(sym.tool)} ${c.bold(safe(e.name))}${e.mcp ? c.dim(safe(` (MCP ${e.mcp.server})`)) : ''}${e.parentCallId ? c.dim(' (sub-agent)') : ''} ${c.dim(safe(summarizeInput(e.input)))}`,
        );
        break;
      case 'tool.completed': {
        const dur = e.durationMs !== undefined ? ` ${formatDuration(e.durationMs)}` : '';
        if (e.isError) {
          const why =
            e.status === 'denied'
              ? 'denied'
              : e.status === 'interrupted'
                ? 'interrupted'
                : e.exitCode !== undefined
                  ? `exit ${e.exitCode}`
                  : 'error';
          line(
            `  ${c.red(sym.fail)} ${safe(e.name)} ${why}${dur}${firstLine(e.output) ? c.dim(`: ${safe(firstLine(e.output))}`) : ''}`,
          );
        } else line(`  ${c.green(sym.ok)} ${safe(e.name)}${dur}`);
        break;
      }
      case 'usage':
        if (e.scope === 'run') break;
        turns += 1;
        sums[e.scope] = sumUsage(sums[e.scope] ?? {}, e);
        line(c.dim(`  tokens: ${formatUsage(e)}`));
        break;
      case 'file.changed':
        line(c.dim(safe(`  ${e.change} ${e.path}`)));
        break;
      case 'warning':
        line(c.yellow(`${sym.warn} ${safe(e.message)}`));
        break;
      case 'run.completed':
      case 'run.failed': {
        const usage = e.usage ?? sums.turn ?? sums.call;
        const parts = [formatDuration(e.durationMs)];
        const t = e.turns ?? (turns || undefined);
        if (t !== undefined) parts.push(`${t} turn${t === 1 ? '' : 's'}`);
        if (usage) parts.push(`tokens ${formatUsage(usage)}`);
        if (e.type === 'run.completed') line(`${c.green(sym.ok)} ${c.bold('completed')} ${c.dim(parts.join(' · '))}`);
        else {
          line(
            `${c.red(sym.fail)} ${c.bold(`failed (${e.reason}${e.exitCode !== undefined ? `, exit ${e.exitCode}` : ''})`)}: ${safe(e.message)} ${c.dim(parts.join(' · '))}`,
          );
          if (e.stderrTail && !e.message.includes(e.stderrTail.trim()))
            line(
              c.dim(
                safe(
                  e.stderrTail
                    .split('\n')
                    .slice(-10)
                    .map((l) => `  | ${l}`)
                    .join('\n'),
                ),
              ),
            );
        }
        break;
      }
      default:
        break;
    }
  };
}
