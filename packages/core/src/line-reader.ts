import { performance } from 'node:perf_hooks';
import type { AnyHarness, RunRequest } from './contract.js';
import type { EventDraft, WarningEvent } from './events.js';

/** Options of {@link LineReader}. */
export interface LineReaderOptions {
  plugin: Pick<AnyHarness, 'name' | 'translate'>;
  state: unknown;
  request: RunRequest;
  /** Where drafts go (the event sequencer). */
  emit: (draft: EventDraft) => void;
  /** When the run started (`performance.now()`), for `TranslateContext.elapsedMs`. */
  t0: number;
  /** Bound on one stdout line, named in the overflow warning. */
  maxLineBytes: number;
  /** `unparsed-line` warnings published one by one before the rest are only counted. Default: 20. */
  unparsedWarnings?: number;
}

/** Raw text kept on one `unparsed-line` warning (and on each summary sample). */
export const MAX_RAW_CHARS = 2000;
/** Samples kept on the summary warning of an unparsed-line flood. */
const SUMMARY_SAMPLES = 5;

function clip(line: string): string {
  return line.length > MAX_RAW_CHARS
    ? `${line.slice(0, MAX_RAW_CHARS)}… (${line.length - MAX_RAW_CHARS} more characters)`
    : line;
}

/** A warning's identity for repeat detection: code and message with every number normalized ("retry 3/5" = "retry 4/5"). */
function warningKey(w: Pick<WarningEvent, 'code' | 'message'>): string {
  return `${w.code ?? ''}\u0000${w.message.replace(/\d+/g, '#')}`;
}

/**
 * One harness stdout line -> drafts: JSON parse, the plugin's `translate`, and the runner's own
 * warnings. Contract: a non-JSON line becomes an `unparsed-line` warning carrying at most
 * {@link MAX_RAW_CHARS} of it; past the first `unparsedWarnings` of a run they are counted and
 * sampled, and {@link LineReader.end} emits one summary warning. `line()` tells whether the line was
 * progress: anything but a repeat of the previous warning (same code, same message up to numbers),
 * so a harness that retries forever does not keep the inactivity watchdog from firing.
 */
export class LineReader {
  private lineNo = 0;
  private unparsed = 0;
  private readonly samples: string[] = [];
  private lastWarning: string | undefined;
  private lastWarningText = '';
  private repeats = 0;
  private readonly limit: number;

  constructor(private readonly o: LineReaderOptions) {
    this.limit = o.unparsedWarnings ?? 20;
  }

  /** Handle one complete line. Returns true when it was progress (re-arms the inactivity watchdog). */
  line(line: string): boolean {
    this.lineNo += 1;
    const { plugin } = this.o;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      this.unparsed += 1;
      const warning = {
        type: 'warning' as const,
        code: 'unparsed-line',
        message: `${plugin.name} printed a line that is not JSON (stdout line ${this.lineNo}); kept as raw`,
        raw: clip(line),
      };
      if (this.unparsed <= this.limit) return this.warn(warning);
      if (this.samples.length < SUMMARY_SAMPLES) this.samples.push(warning.raw);
      return this.repeat(warningKey(warning));
    }
    let drafts: EventDraft[];
    try {
      drafts = plugin.translate(record, this.o.state, {
        request: this.o.request,
        line,
        elapsedMs: performance.now() - this.o.t0,
      });
    } catch (error) {
      return this.warn({
        type: 'warning',
        code: 'translate-error',
        message: `The ${plugin.name} plugin could not translate stdout line ${this.lineNo}: ${error instanceof Error ? error.message : String(error)}`,
        raw: record,
      });
    }
    // a line the plugin ignores is still the harness talking: progress
    let progress = drafts.length === 0;
    for (const d of drafts) {
      if (d.type === 'run.completed' || d.type === 'run.failed') {
        progress =
          this.warn({
            type: 'warning',
            code: 'plugin-contract',
            message: `The ${plugin.name} plugin returned ${d.type} from translate(); ignored (terminal events come from finish())`,
            raw: d,
          }) || progress;
        continue;
      }
      if (d.type === 'warning') progress = this.warn(d) || progress;
      else {
        this.lastWarning = undefined;
        this.repeats = 0;
        this.o.emit(d);
        progress = true;
      }
    }
    return progress;
  }

  /** A line over the length bound was skipped. */
  overflow(bytes: number, head: string): void {
    this.lineNo += 1;
    this.warn({
      type: 'warning',
      code: 'line-too-long',
      message: `${this.o.plugin.name} printed a ${bytes}-byte line (stdout line ${this.lineNo}), over the ${this.o.maxLineBytes}-byte limit; it was skipped`,
      raw: head,
    });
  }

  /** End of output: the summary of an unparsed-line flood, if there was one. */
  end(): void {
    const more = this.unparsed - this.limit;
    if (more <= 0) return;
    this.o.emit({
      type: 'warning',
      code: 'unparsed-lines',
      message: `${this.o.plugin.name} printed ${more} more line${more === 1 ? '' : 's'} that are not JSON (${this.unparsed} in all); the first ${this.limit} were reported one by one, these are counted, with ${this.samples.length} sample${this.samples.length === 1 ? '' : 's'}`,
      raw: { count: more, total: this.unparsed, samples: this.samples },
    });
  }

  /** The warning the harness has only been repeating since its last progress, and how often. */
  get repeating(): { message: string; times: number } | undefined {
    return this.repeats > 0 ? { message: this.lastWarningText, times: this.repeats + 1 } : undefined;
  }

  private warn(w: Extract<EventDraft, { type: 'warning' }>): boolean {
    this.o.emit(w);
    const progress = this.repeat(warningKey(w));
    if (progress) this.lastWarningText = w.message.slice(0, 200);
    return progress;
  }

  private repeat(key: string): boolean {
    const progress = key !== this.lastWarning;
    this.lastWarning = key;
    this.repeats = progress ? 0 : this.repeats + 1;
    return progress;
  }
}
