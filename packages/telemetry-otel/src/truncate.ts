/** Limits on captured content. */
export interface ContentLimits {
  /** Longest string kept inside a message or tool payload, in characters. Default: 16384. */
  maxStringChars: number;
  /** Longest serialized attribute value, in characters. Default: 65536. */
  maxAttributeChars: number;
}

/** Default content limits. */
export const DEFAULT_LIMITS: ContentLimits = { maxStringChars: 16_384, maxAttributeChars: 65_536 };

/** The default limits, lowered to an attribute value length limit (OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT) when there is one. */
export function limitsWithin(
  attributeValueLengthLimit: number | undefined,
  base: ContentLimits = DEFAULT_LIMITS,
): ContentLimits {
  if (attributeValueLengthLimit === undefined) return base;
  return {
    maxStringChars: Math.min(base.maxStringChars, attributeValueLengthLimit),
    maxAttributeChars: Math.min(base.maxAttributeChars, attributeValueLengthLimit),
  };
}

// Half of a surrogate pair (a harness cut its output mid-emoji). JSON.stringify would send it as a
// `\ud83d` escape, which MLflow decodes back into a string that UTF-8 cannot store.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `s` with every lone surrogate replaced by U+FFFD, as a UTF-8 encoder would. */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\ufffd');
}

function cutString(raw: string, max: number): string {
  const s = wellFormed(raw);
  if (s.length <= max) return s;
  // Do not split a surrogate pair: a lone surrogate is not valid UTF-8 on the wire.
  let end = max;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${s.slice(0, end)}…[truncated ${s.length - end} chars]`;
}

function cutValue(v: unknown, max: number, depth: number): unknown {
  if (typeof v === 'string') return cutString(v, max);
  if (v === null || typeof v !== 'object') return v;
  if (depth > 32) return '[nested too deep]';
  if (Array.isArray(v)) return v.map((x) => cutValue(x, max, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[wellFormed(k)] = cutValue(x, max, depth + 1);
  return out;
}

/**
 * Serialize `value` as JSON, truncating its strings (never the JSON text itself) so the result
 * stays valid JSON within `maxAttributeChars`: string leaves are shortened, more and more, until it fits.
 */
export function toBoundedJson(value: unknown, limits: ContentLimits = DEFAULT_LIMITS): string {
  let max = limits.maxStringChars;
  let json = JSON.stringify(cutValue(value, max, 0)) ?? 'null';
  while (json.length > limits.maxAttributeChars && max > 16) {
    max = Math.floor(max / 2);
    json = JSON.stringify(cutValue(value, max, 0)) ?? 'null';
  }
  if (json.length > limits.maxAttributeChars) {
    // Too many leaves for any per-string limit: keep a valid JSON string saying so.
    json = JSON.stringify(`[value of ${json.length} chars omitted]`);
  }
  return json;
}

/** A plain string shortened to `max` characters with a marker. */
export function boundedText(s: string, max: number = DEFAULT_LIMITS.maxStringChars): string {
  return cutString(s, max);
}

/** Size in bytes of a value as it would be serialized. */
export function sizeOf(value: unknown): number {
  if (value === undefined) return 0;
  const s = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return Buffer.byteLength(s, 'utf8');
}
