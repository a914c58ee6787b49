/**
 * A bad option value (`--timeout abc`). Contract: code `USAGE`, so the CLI's error boundary exits 2;
 * defined here rather than taken from core so that parsing options never loads core.
 */
export class OptionValueError extends Error {
  /** Stable code read by `exitCodeForError`. */
  readonly code = 'USAGE' as const;
  /** What to do instead. */
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'OptionValueError';
    if (hint !== undefined) this.hint = hint;
  }
}

/** What a numeric option accepts. */
export interface NumberRule {
  /** Whole numbers only. Default: false. */
  integer?: boolean;
  /** Smallest allowed value. */
  min: number;
  /** True when `min` itself is not allowed (`--timeout` must be > 0). Default: false. */
  exclusiveMin?: boolean;
  /** What the number counts, for the message: "seconds", "turns". */
  unit?: string;
  /** Appended to the allowed range, e.g. "0 = never". */
  note?: string;
}

/** "a whole number of turns of at least 1", "a number of seconds greater than 0 (0 = never)". */
function allowed(rule: NumberRule): string {
  const what = `${rule.integer ? 'a whole number' : 'a number'}${rule.unit ? ` of ${rule.unit}` : ''}`;
  const range = rule.exclusiveMin
    ? `greater than ${rule.min}`
    : rule.min === 0
      ? '0 or more'
      : `of at least ${rule.min}`;
  return `${what} ${range}${rule.note ? ` (${rule.note})` : ''}`;
}

/**
 * A yargs `coerce` for a numeric option: the value as a number, or an {@link OptionValueError}
 * naming the option, what it got and what is allowed. Contract: declare the option WITHOUT
 * `type: 'number'` (yargs would turn `abc` into NaN before we see it); a repeated flag uses the last value.
 */
export function numberOption(name: string, rule: NumberRule): (value: unknown) => number {
  return (value) => {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    const text = typeof last === 'number' ? String(last) : typeof last === 'string' ? last.trim() : '';
    const n = text === '' ? Number.NaN : Number(text);
    const ok =
      Number.isFinite(n) &&
      (rule.integer ? Number.isInteger(n) : true) &&
      (rule.exclusiveMin ? n > rule.min : n >= rule.min);
    if (!ok) {
      const got = typeof last === 'boolean' || last === undefined || text === '' ? 'no value' : `"${text}"`;
      throw new OptionValueError(`--${name} expects ${allowed(rule)}, got ${got}.`);
    }
    return n;
  };
}
