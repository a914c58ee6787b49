import type { OmnigentEvent, ToolCompletedEvent, ToolStartedEvent } from '@omnigent/core';
import {
  commandHead,
  errorClassOf,
  failureText,
  messageTemplate,
  signatureKey,
  signatureLabel,
  type FailureSignature,
} from './failure-signature.js';
import type { FailureGroup } from './insights-types.js';
import type { RunSummary } from './types.js';

/** One failure before grouping. */
export interface FailureCase {
  signature: FailureSignature;
  runId: string;
  harness: string;
  time: string;
  path?: string;
}

/** Text of a tool's output or a run's message, bounded (a huge output is not scanned whole). */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value.slice(0, 2000);
  if (value === undefined || value === null) return '';
  try {
    return JSON.stringify(value).slice(0, 2000);
  } catch {
    return String(value).slice(0, 2000);
  }
}

const PATH_KEYS = ['file_path', 'filePath', 'path', 'notebook_path', 'file'];

function inputOf(start: ToolStartedEvent | undefined): Record<string, unknown> {
  return start?.input && typeof start.input === 'object' ? (start.input as Record<string, unknown>) : {};
}

/** The signature of a failed run, from its reason and message. */
export function runFailureCase(run: RunSummary): FailureCase {
  const message = run.message ?? '';
  const fallback =
    run.reason === 'timeout'
      ? 'timeout'
      : run.reason === 'exit' && run.exitCode !== undefined
        ? `exit ${run.exitCode}`
        : (run.reason ?? 'error');
  const errorClass = errorClassOf(message, fallback);
  return {
    signature: { errorClass, template: messageTemplate(failureText(message, errorClass)) },
    runId: run.id,
    harness: run.harness,
    time: run.startedAt,
  };
}

/** The failed tool calls of one run's events, each with its signature (tool, command head, error class, message template, path). */
export function toolFailureCases(run: RunSummary, events: OmnigentEvent[]): FailureCase[] {
  const starts = new Map<string, ToolStartedEvent>();
  const out: FailureCase[] = [];
  for (const e of events) {
    if (e.type === 'tool.started') starts.set(e.callId, e);
    else if (e.type === 'tool.completed' && e.isError) out.push(toolCase(run, starts.get(e.callId), e));
  }
  return out;
}

function toolCase(run: RunSummary, start: ToolStartedEvent | undefined, end: ToolCompletedEvent): FailureCase {
  const input = inputOf(start);
  const command =
    typeof input.command === 'string'
      ? input.command
      : Array.isArray(input.command)
        ? input.command.map(String).join(' ')
        : typeof input.cmd === 'string'
          ? input.cmd
          : undefined;
  const path = PATH_KEYS.map((k) => input[k]).find((v): v is string => typeof v === 'string');
  const message = textOf(end.output);
  const fallback =
    end.status === 'denied'
      ? 'denied'
      : end.status === 'interrupted'
        ? 'interrupted'
        : end.exitCode !== undefined
          ? `exit ${end.exitCode}`
          : 'error';
  const head = command ? commandHead(command) : undefined;
  const errorClass =
    end.status === 'denied' || end.status === 'interrupted' ? fallback : errorClassOf(message, fallback);
  return {
    signature: {
      errorClass,
      template: messageTemplate(failureText(message, errorClass)),
      tool: end.name,
      ...(head ? { commandHead: head } : {}),
    },
    runId: run.id,
    harness: run.harness,
    time: end.time,
    ...(path ? { path } : {}),
  };
}

/** Group failures by signature: biggest group first (then most runs, then label), each with counts and examples. */
export function groupFailures(cases: FailureCase[], examples = 3): FailureGroup[] {
  const groups = new Map<string, { sig: FailureSignature; cases: FailureCase[] }>();
  for (const c of cases) {
    const key = signatureKey(c.signature);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { sig: c.signature, cases: [] }));
    g.cases.push(c);
  }
  return [...groups.values()]
    .map((g): FailureGroup => {
      const runIds = [...new Set(g.cases.map((c) => c.runId))];
      const paths = new Map<string, number>();
      for (const c of g.cases) if (c.path) paths.set(c.path, (paths.get(c.path) ?? 0) + 1);
      const times = g.cases.map((c) => c.time).sort();
      return {
        signature: g.sig,
        label: signatureLabel(g.sig),
        count: g.cases.length,
        runs: runIds.length,
        exampleRunIds: runIds.slice(0, examples),
        paths: [...paths.entries()]
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .slice(0, 5)
          .map(([p]) => p),
        harnesses: [...new Set(g.cases.map((c) => c.harness))].sort(),
        firstSeen: times[0]!,
        lastSeen: times[times.length - 1]!,
      };
    })
    .sort((a, b) => b.count - a.count || b.runs - a.runs || a.label.localeCompare(b.label));
}
