import { ConfigError } from '@omnigent/core';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { extname } from 'node:path';

const permissionMode = z.enum(['default', 'read-only', 'accept-edits', 'bypass']);

const harnessSchema = z
  .object({
    bin: z.string().describe('path of the harness binary'),
    model: z.string(),
    permissionMode,
    args: z.array(z.string()),
    env: z.record(z.string(), z.string()),
    timeout: z.number().positive(),
    options: z.record(z.string(), z.unknown()),
  })
  .partial()
  .strict();

const telemetrySchema = z
  .object({
    enabled: z.boolean(),
    captureContent: z.boolean(),
    httpClientInstrumentation: z.boolean(),
    endpoint: z.string(),
    tracesEndpoint: z.string(),
    protocol: z.string(),
    headers: z.record(z.string(), z.string()),
    serviceName: z.string(),
    resourceAttributes: z.record(z.string(), z.string()),
  })
  .partial()
  .strict();

/** Schema of `omnigent.config.*`. */
export const configSchema = z
  .object({
    plugins: z.array(z.union([z.string(), z.tuple([z.string(), z.record(z.string(), z.unknown())])])),
    defaults: z
      .object({
        harness: z.string(),
        model: z.string(),
        permissionMode,
        timeout: z.number().positive(),
        idleTimeout: z.number().nonnegative(),
      })
      .partial()
      .strict(),
    harnesses: z.record(z.string(), harnessSchema),
    telemetry: telemetrySchema,
    store: z.object({ enabled: z.boolean(), path: z.string(), redact: z.boolean() }).partial().strict(),
  })
  .partial()
  .strict();

/** A validated configuration. */
export type OmnigentConfig = z.infer<typeof configSchema>;


function lineOf(doc: Document | undefined, text: string, path: PropertyKey[]): number | undefined {
  if (!doc) return undefined;
  let node: unknown = doc.contents;
  let range: [number, number, number] | undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      range = ((pair.key as { range?: [number, number, number] }).range) ?? range;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      range = (node as { range?: [number, number, number] } | undefined)?.range ?? range;
    } else break;
  }
  if (!range) return undefined;
  return text.slice(0, range[0]).split('\n').length;
}

function parseText(file: string, text: string): { value: unknown; doc: Document } {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const line = err.linePos?.[0]?.line ?? (err.pos ? text.slice(0, err.pos[0]).split('\n').length : undefined);
    throw new ConfigError(`not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${err.message.split('\n')[0]}`, { file, ...(line ? { line } : {}) });
  }
  try {
    // the yaml default bound (100 alias expansions): a "billion laughs" config is refused, not expanded
    return { value: doc.toJS({ maxAliasCount: 100 }), doc };
  } catch (error) {
    throw new ConfigError(`not valid YAML: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
}

/** Validate a parsed config value; errors name the file, the line when known, the key and what was expected. */
export function validateConfig(value: unknown, file?: string, doc?: Document, text = ''): OmnigentConfig {
  const result = configSchema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  let path = issue.path;
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    path = [...issue.path, issue.keys[0]!];
    message = `unknown key (expected one of the documented keys: see the README's Configuration section)`;
  } else if (issue.code === 'invalid_union' && path[0] === 'plugins') {
    message = 'expected a plugin name or path, or [name, {options}]';
  } else if (issue.code === 'invalid_type') {
    message = `expected ${issue.expected}`;
  } else if (issue.code === 'invalid_value' && 'values' in issue) {
    message = `expected one of ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  }
  const line = lineOf(doc, text, path);
  throw new ConfigError(message, {
    ...(file ? { file } : {}),
    ...(line ? { line } : {}),
    key: path.map(String).join('.') || '(root)',
  });
}


/** Parse and validate a JSON or YAML config text (JSON is read as YAML for its line numbers). */
export function parseConfigText(file: string, text: string): OmnigentConfig {
  const { value, doc } = parseText(file, text);
  return validateConfig(value, file, doc, text);
}
