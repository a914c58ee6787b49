/**
 * Coerce a repeatable single-value option (`--tag a --tag b`) to a list. Such options take one
 * value per flag (never `array: true`, which would swallow a positional prompt or file after them).
 */
export function toList(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}
