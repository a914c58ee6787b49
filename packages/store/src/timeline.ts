import type { OmnigentEvent, ToolCompletedEvent } from '@omnigent/core';
import { formatInt, formatLocalTime, formatMs, formatRunUsage, formatStatus, UNKNOWN } from './format.js';
import type { RunSummary } from './types.js';

function oneLine(value: unknown, max = 90): string {
  let s =
    typeof value === 'string' ? value : value === undefined || value === null ? '' : (JSON.stringify(value) ?? '');
  s = s.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function inputSummary(input: unknown): string {
  if (input && typeof input === 'object') {
    const o = input as Record<string, unknown>;
    const key = ['command', 'cmd', 'file_path', 'path', 'pattern', 'query', 'url', 'description', 'prompt'].find(
      (k) => typeof o[k] === 'string',
    );
    if (key) return oneLine(o[key], 70);
  }
  return oneLine(input, 70);
}

function toolResult(done: ToolCompletedEvent | undefined): string {
  if (!done) return '… (no result)';
  const dur = done.durationMs !== undefined ? ` ${formatMs(done.durationMs)}` : '';
  if (!done.isError) return `ok${dur}`;
  const why =
    done.status === 'denied'
      ? 'denied'
      : done.status === 'interrupted'
        ? 'interrupted'
        : done.exitCode !== undefined
          ? `error, exit ${done.exitCode}`
          : 'error';
  const first = oneLine(
    typeof done.output === 'string' ? done.output.split('\n').find((l) => l.trim()) : done.output,
    80,
  );
  return `FAILED (${why})${dur}${first ? `: ${first}` : ''}`;
}

/** The header of `omnigent runs show`: who, what, how it ended, totals. */
export function renderRunHeader(run: RunSummary): string {
  const rows: Array<[string, string]> = [
    [
      'harness',
      `${run.harness}${run.harnessVersion ? ` ${run.harnessVersion}` : ''}${run.pluginVersion ? ` (plugin ${run.pluginVersion})` : ''}`,
    ],
    [
      'model',
      `${run.model ?? run.requestedModel ?? UNKNOWN}${run.requestedModel && run.model && run.requestedModel !== run.model ? ` (asked for ${run.requestedModel})` : ''}`,
    ],
    [
      'status',
      `${formatStatus(run)}${run.exitCode !== undefined ? ` · exit ${run.exitCode}` : ''}${run.message ? ` · ${oneLine(run.message, 120)}` : ''}`,
    ],
    [
      'started',
      `${formatLocalTime(run.startedAt, true)} · took ${formatMs(run.durationMs)}${run.turns !== undefined ? ` · ${run.turns} turn${run.turns === 1 ? '' : 's'}` : ''}`,
    ],
    [
      'tokens',
      `${formatRunUsage(run.usage)}${run.usage ? ` [${run.usage.confidence}${run.usage.source ? `, ${run.usage.source}` : ''}]` : ''}`,
    ],
    [
      'tools',
      run.toolCalls === undefined
        ? UNKNOWN
        : `${run.toolCalls} call${run.toolCalls === 1 ? '' : 's'}${run.toolErrors ? `, ${run.toolErrors} failed` : ''}${
            Object.keys(run.tools ?? {}).length
              ? ` (${Object.entries(run.tools ?? {})
                  .map(([n, t]) => `${n} ${t.calls}`)
                  .join(', ')})`
              : ''
          }`,
    ],
    [
      'cwd',
      `${run.cwd}${run.git ? ` · git ${run.git.commit.slice(0, 10)}${run.git.branch ? ` on ${run.git.branch}` : ''}` : run.gitBranch ? ` · git branch ${run.gitBranch}` : ''}`,
    ],
  ];
  if (run.kind)
    rows.push([
      'kind',
      `${run.kind} (${run.kindSource === 'explicit' ? 'given' : `classified, confidence ${Math.round((run.kindConfidence ?? 0) * 100)}%`})`,
    ]);
  if (run.source === 'imported') rows.push(['source', "imported from the harness's own history"]);
  if (run.sessionId) rows.push(['session', run.sessionId]);
  if (run.workflow) rows.push(['workflow', `${run.workflow.name ?? run.workflow.runId} · step ${run.workflow.step}`]);
  if (run.eval)
    rows.push([
      'eval',
      `${run.eval.id} · task ${run.eval.task} · variant ${run.eval.variant} · repeat ${run.eval.repeat + 1}`,
    ]);
  if (run.checks?.length) {
    const failed = run.checks.filter((c) => !c.pass);
    const what = (c: NonNullable<RunSummary['checks']>[number]): string =>
      `${c.name} ${c.pass ? 'passed' : c.reason === 'timeout' ? 'timed out' : c.reason === 'interrupted' ? 'interrupted' : `failed${c.exitCode !== undefined ? ` (exit ${c.exitCode})` : ''}`}`;
    rows.push([
      'checks',
      `${failed.length ? `${failed.length} of ${run.checks.length} failed` : `all ${run.checks.length} passed`}: ${run.checks.map(what).join(', ')}`,
    ]);
    for (const c of failed)
      if (c.outputTail) rows.push(['', `${c.name}: ${oneLine(c.outputTail.split('\n').slice(-3).join(' | '), 160)}`]);
  }
  if (run.tags.length) rows.push(['tags', run.tags.join(', ')]);
  if (run.prompt) rows.push(['prompt', oneLine(run.prompt, 120)]);
  return `run ${run.id}\n${rows.map(([k, v]) => `  ${k.padEnd(9)}${v}`).join('\n')}\n`;
}

/**
 * The timeline of `omnigent runs show`: one line per turn, message, tool call (with its result and
 * duration), usage figure and warning, at its offset from the start; a sub-agent's calls and
 * messages indented under the tool call that started it.
 */
export function renderTimeline(run: RunSummary, events: OmnigentEvent[]): string {
  const t0 = Date.parse(run.startedAt);
  const completed = new Map<string, ToolCompletedEvent>();
  const parents = new Map<string, string | undefined>();
  for (const e of events) {
    if (e.type === 'tool.completed') completed.set(e.callId, e);
    if (e.type === 'tool.started') parents.set(e.callId, e.parentCallId);
  }
  const depthOf = (parent: string | undefined): number => {
    let d = 0;
    const seen = new Set<string>();
    while (parent && !seen.has(parent)) {
      seen.add(parent);
      d += 1;
      parent = parents.get(parent);
    }
    return d;
  };
  const lines: string[] = [];
  let inTurn = 0;
  const put = (e: OmnigentEvent, depth: number, text: string): void => {
    const offset = Date.parse(e.time) - t0;
    const at = Number.isFinite(offset) ? `+${formatMs(Math.max(0, offset))}` : '';
    lines.push(`${at.padStart(9)}  ${'  '.repeat(depth)}${text}`);
  };
  for (const e of events) {
    switch (e.type) {
      case 'session.started':
        put(e, 0, `session started${e.model ? ` · ${e.model}` : ''}${e.sessionId ? ` · session ${e.sessionId}` : ''}`);
        break;
      case 'turn.started':
        inTurn = 1;
        put(e, 0, `turn ${e.turn}`);
        break;
      case 'message':
        if (!e.text.trim()) break;
        put(
          e,
          inTurn + depthOf(e.parentCallId),
          `${e.role}${e.parentCallId ? ' (sub-agent)' : ''}: ${oneLine(e.text)}`,
        );
        break;
      case 'reasoning':
        if (e.delta) break;
        put(e, inTurn + depthOf(e.parentCallId), `thinking: ${oneLine(e.text, 80)}`);
        break;
      case 'tool.started':
        put(
          e,
          inTurn + depthOf(e.parentCallId),
          `${e.name} [${e.kind}] ${inputSummary(e.input)}  -> ${toolResult(completed.get(e.callId))}`,
        );
        break;
      case 'usage':
        if (e.scope === 'run') break;
        put(
          e,
          inTurn + depthOf(e.parentCallId),
          `tokens ${formatRunUsage(e)}${e.confidence !== 'exact' ? ` [${e.confidence}]` : ''}`,
        );
        break;
      case 'file.changed':
        put(e, inTurn, `${e.change} ${e.path}`);
        break;
      case 'warning':
        put(e, inTurn, `warning: ${oneLine(e.message, 110)}`);
        break;
      case 'run.completed':
        put(e, 0, `completed in ${formatMs(e.durationMs)}${e.result ? `: ${oneLine(e.result, 80)}` : ''}`);
        break;
      case 'run.failed':
        // Ctrl-C is not a failure of the harness: say what happened
        if (e.reason === 'aborted')
          put(e, 0, `INTERRUPTED after ${formatMs(e.durationMs)}: ${oneLine(e.message, 100)}`);
        else
          put(
            e,
            0,
            `FAILED (${e.reason}${e.exitCode !== undefined ? `, exit ${e.exitCode}` : ''}) after ${formatMs(e.durationMs)}: ${oneLine(e.message, 100)}`,
          );
        break;
      default:
        break;
    }
  }
  const last = events[events.length - 1];
  if (run.status === 'interrupted' && run.reason === 'killed') {
    lines.push(
      `${''.padStart(9)}  (recording stopped here: the omnigent process died; ${formatInt(events.length)} events kept)`,
    );
  } else if (run.status === 'incomplete') {
    lines.push(
      `${''.padStart(9)}  (record incomplete: ${oneLine(run.message ?? 'the store could not be written', 200)})`,
    );
  } else if (run.status === 'running') {
    lines.push(`${''.padStart(9)}  (still running${last ? `; last event ${formatLocalTime(last.time, true)}` : ''})`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '  (no events stored)\n';
}
