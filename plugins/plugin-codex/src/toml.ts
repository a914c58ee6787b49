/** A value that can be written as an inline TOML value. */
export type TomlValue = string | number | boolean | TomlValue[] | { [key: string]: TomlValue };

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** A TOML key: bare when possible, else a quoted string. */
export function tomlKey(key: string): string {
  return BARE_KEY.test(key) ? key : JSON.stringify(key);
}

/**
 * Serialize a JS value as an inline TOML value for `codex -c key=<value>`. JSON string escapes are
 * valid TOML basic-string escapes, so strings go through `JSON.stringify`. Throws on values TOML
 * cannot hold (null, undefined, NaN, functions), since codex would read them as raw strings.
 */
export function toToml(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} as a TOML value`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(toToml).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const parts = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${tomlKey(k)} = ${toToml(v)}`);
    return `{ ${parts.join(', ')} }`;
  }
  throw new TypeError(`cannot write ${String(value)} as a TOML value`);
}
