// Record checks at the store's read boundary. Hand-written rather than a schema library: the
// store must start fast and read 20,000 index lines in well under a second (bench/store.mjs).
// Rule: a field readers rely on with the wrong type makes the record unreadable (skipped and
// counted); a missing optional field is defaulted; unknown fields are kept (a newer omnigent).

type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array';
/** Field name -> kind; a trailing `?` marks the field optional. */
type ShapeSpec = Record<string, `${Kind}` | `${Kind}?`>;
/** A shape compiled once: [field, kind, optional] (readers check 20,000 index records per read). */
type Shape = Array<[string, Kind, boolean]>;

function shape(spec: ShapeSpec): Shape {
  return Object.entries(spec).map(([field, k]) => [field, k.replace('?', '') as Kind, k.endsWith('?')]);
}

function fits(v: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    default:
      return typeof v === 'object' && v !== null && !Array.isArray(v);
  }
}

function kindOf(v: unknown): Kind | 'null' | 'other' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  if (t === 'number') return Number.isFinite(v) ? 'number' : 'other';
  return t === 'string' || t === 'boolean' || t === 'object' ? t : 'other';
}

/** The first field of `rec` that does not fit `shape` (as `with a bad text`), or undefined. */
function misfit(rec: Record<string, unknown>, fields: Shape): string | undefined {
  for (let i = 0; i < fields.length; i++) {
    const [field, kind, optional] = fields[i]!;
    const v = rec[field];
    if (v === undefined) {
      if (optional) continue;
      return `without ${field}`;
    }
    if (!fits(v, kind)) return `with a bad ${field}`;
  }
  return undefined;
}

const EVENT_BASE: Shape = shape({ type: 'string', time: 'string', sessionId: 'string?', parentCallId: 'string?' });
const USAGE_FIGURES: ShapeSpec = {
  input: 'number?',
  output: 'number?',
  cacheRead: 'number?',
  cacheWrite: 'number?',
  reasoning: 'number?',
  costUsd: 'number?',
};

// Fields that the readers (summary, timeline, report) use, per event type. Types not listed (a
// newer omnigent's) are kept and shown by no reader.
const EVENT_SHAPE_SPECS: Record<string, ShapeSpec> = {
  'session.started': { model: 'string?', harnessVersion: 'string?', harness: 'string?' },
  'turn.started': { turn: 'number' },
  'turn.completed': { turn: 'number?' },
  message: { role: 'string', text: 'string' },
  'message.delta': { text: 'string' },
  reasoning: { text: 'string', delta: 'boolean?' },
  'tool.started': { callId: 'string', name: 'string', kind: 'string?' },
  'tool.updated': { callId: 'string' },
  'tool.completed': {
    callId: 'string',
    name: 'string',
    isError: 'boolean',
    durationMs: 'number?',
    exitCode: 'number?',
    status: 'string?',
  },
  usage: { scope: 'string', confidence: 'string', model: 'string?', ...USAGE_FIGURES },
  'file.changed': { path: 'string', change: 'string' },
  warning: { message: 'string' },
  status: {},
  'run.completed': { durationMs: 'number', turns: 'number?', exitCode: 'number?', result: 'string?', usage: 'object?' },
  'run.failed': {
    reason: 'string',
    message: 'string',
    durationMs: 'number',
    turns: 'number?',
    exitCode: 'number?',
    usage: 'object?',
  },
};

const EVENT_SHAPES: Record<string, Shape> = Object.fromEntries(
  Object.entries(EVENT_SHAPE_SPECS).map(([type, spec]) => [type, shape(spec)]),
);

const TERMINAL_USAGE: Shape = shape({ confidence: 'string', source: 'string?', ...USAGE_FIGURES });

/** Why a parsed events line cannot be read (e.g. `message with a bad text`), or undefined when it can. */
export function eventProblem(v: unknown): string | undefined {
  if (kindOf(v) !== 'object') return `${kindOf(v) === 'null' ? 'null' : 'not an object'}`;
  const rec = v as Record<string, unknown>;
  const base = misfit(rec, EVENT_BASE);
  if (base) return `event ${base}`;
  const shape = EVENT_SHAPES[rec.type as string];
  if (!shape) return undefined;
  const bad = misfit(rec, shape);
  if (bad) return `${rec.type as string} ${bad}`;
  if (rec.usage !== undefined && (rec.type === 'run.completed' || rec.type === 'run.failed')) {
    const u = misfit(rec.usage as Record<string, unknown>, TERMINAL_USAGE);
    if (u) return `${rec.type as string} usage ${u}`;
  }
  return undefined;
}

const START_SHAPE: Shape = shape({
  id: 'string',
  harness: 'string',
  startedAt: 'string',
  cwd: 'string?',
  tags: 'array?',
  pluginVersion: 'string?',
  requestedModel: 'string?',
  prompt: 'string?',
  pid: 'number?',
  host: 'string?',
  pidStart: 'string?',
  workflow: 'object?',
  git: 'object?',
  kind: 'string?',
  kindSource: 'string?',
  kindConfidence: 'number?',
  source: 'string?',
  gitBranch: 'string?',
  mcpServers: 'array?',
  eval: 'object?',
});

const END_SHAPE: Shape = shape({
  id: 'string',
  status: 'string',
  reason: 'string?',
  message: 'string?',
  exitCode: 'number?',
  endedAt: 'string?',
  durationMs: 'number?',
  model: 'string?',
  harnessVersion: 'string?',
  sessionId: 'string?',
  usage: 'object?',
  turns: 'number?',
  toolCalls: 'number?',
  toolErrors: 'number?',
  tools: 'object?',
  mcp: 'object?',
  events: 'number?',
  checks: 'array?',
});
const WORKFLOW_SHAPE: Shape = shape({ runId: 'string', step: 'string', name: 'string?' });
const GIT_SHAPE: Shape = shape({ commit: 'string', branch: 'string?' });
const EVAL_SHAPE: Shape = shape({ id: 'string', task: 'string', variant: 'string', repeat: 'number' });
const CHECK_SHAPE: Shape = shape({
  name: 'string',
  pass: 'boolean',
  durationMs: 'number',
  exitCode: 'number?',
  reason: 'string?',
  outputTail: 'string?',
});
const TOOL_SHAPE: Shape = shape({ calls: 'number', errors: 'number?', durations: 'array?' });

/** Why a start record cannot be read, or undefined; missing `tags`/`cwd` are defaulted in place. */
export function startProblem(rec: Record<string, unknown>): string | undefined {
  const bad = misfit(rec, START_SHAPE);
  if (bad) return `start record ${bad}`;
  if (rec.tags === undefined) rec.tags = [];
  else for (const t of rec.tags as unknown[]) if (typeof t !== 'string') return 'start record with a bad tags';
  if (rec.cwd === undefined) rec.cwd = '';
  if (rec.workflow !== undefined && misfit(rec.workflow as Record<string, unknown>, WORKFLOW_SHAPE))
    return 'start record with a bad workflow';
  if (rec.git !== undefined && misfit(rec.git as Record<string, unknown>, GIT_SHAPE))
    return 'start record with a bad git';
  if (rec.eval !== undefined && misfit(rec.eval as Record<string, unknown>, EVAL_SHAPE))
    return 'start record with a bad eval';
  if (rec.mcpServers !== undefined && (rec.mcpServers as unknown[]).some((s) => typeof s !== 'string'))
    return 'start record with a bad mcpServers';
  return undefined;
}

/** Why an end record cannot be read, or undefined; missing tool figures are defaulted in place. */
export function endProblem(rec: Record<string, unknown>): string | undefined {
  const bad = misfit(rec, END_SHAPE);
  if (bad) return `end record ${bad}`;
  if (rec.usage !== undefined && misfit(rec.usage as Record<string, unknown>, TERMINAL_USAGE))
    return 'end record with a bad usage';
  if (rec.tools === undefined) rec.tools = {};
  for (const field of ['tools', 'mcp'] as const) {
    if (rec[field] === undefined) continue;
    for (const t of Object.values(rec[field] as Record<string, unknown>)) {
      if (kindOf(t) !== 'object') return `end record with a bad ${field}`;
      const tool = t as Record<string, unknown>;
      if (misfit(tool, TOOL_SHAPE)) return `end record with a bad ${field}`;
      tool.errors ??= 0;
      tool.durations ??= [];
      for (const d of tool.durations as unknown[]) if (typeof d !== 'number') return `end record with a bad ${field}`;
    }
  }
  if (rec.checks !== undefined)
    for (const c of rec.checks as unknown[])
      if (kindOf(c) !== 'object' || misfit(c as Record<string, unknown>, CHECK_SHAPE))
        return 'end record with a bad checks';
  return undefined;
}

/**
 * Whether an index cache entry looks like what this version writes there. Contract: a quick
 * check (the cache is written only from checked records, under a version and a fingerprint);
 * it catches a damaged or foreign cache, not every field.
 */
export function cacheEntryOk(rec: unknown): boolean {
  if (rec === null || typeof rec !== 'object') return false;
  const r = rec as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    typeof r.harness === 'string' &&
    typeof r.startedAt === 'string' &&
    Array.isArray(r.tags) &&
    (r.tools === undefined || (typeof r.tools === 'object' && r.tools !== null))
  );
}

/**
 * Bad records met while reading a store, by file and reason, so that a reader can say so once.
 * Contract: counting never throws; `messages()` gives one line per file.
 */
export class SkippedRecords {
  private readonly files = new Map<string, Map<string, number>>();

  /**
   * A counter for one read of `file`. Contract: a new read of the same file starts its count over,
   * so a file read twice by one command is reported once, with its records counted once.
   */
  reader(file: string): (reason: string) => void {
    const reasons = new Map<string, number>();
    this.files.delete(file);
    return (reason) => {
      if (!reasons.size) this.files.set(file, reasons);
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    };
  }

  /** Skipped records in all. */
  get count(): number {
    let n = 0;
    for (const reasons of this.files.values()) for (const c of reasons.values()) n += c;
    return n;
  }

  /** `omnigent: 3 records in <path> were skipped: 2 null, 1 message with a bad text (…)`, one per file. */
  messages(): string[] {
    const out: string[] = [];
    for (const [file, reasons] of this.files) {
      let n = 0;
      for (const c of reasons.values()) n += c;
      const why = [...reasons.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([r, c]) => `${c} ${r}`)
        .join(', ');
      out.push(
        `omnigent: ${n} record${n === 1 ? '' : 's'} in ${file} ${n === 1 ? 'was' : 'were'} skipped (unreadable: ${why}); the rest of the store reads as usual.`,
      );
    }
    return out;
  }
}
