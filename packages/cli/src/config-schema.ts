import { ConfigError } from '@omnigent/core';
import { z } from 'zod';

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
    plugin: z.string().min(1).describe('the plugin this named harness runs on (e.g. acp)'),
    command: z.array(z.string()).min(1).describe('the agent command: binary, then its arguments'),
  })
  .partial()
  .strict()
  // a named agent's command is its binary and leading arguments: every reader of `bin`/`args` sees it
  .transform((h) =>
    h.command ? { ...h, bin: h.bin ?? h.command[0], args: [...h.command.slice(1), ...(h.args ?? [])] } : h,
  );

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

const stringMap = z.record(z.string(), z.string());

// `type` may be left out: `command` means stdio, `url` means streamable HTTP
const mcpStdioSchema = z
  .object({
    type: z.literal('stdio').optional(),
    command: z.string().min(1),
    args: z.array(z.string()).optional(),
    env: stringMap.optional(),
    cwd: z.string().optional(),
  })
  .strict();
const mcpHttpSchema = z
  .object({ type: z.literal('http').optional(), url: z.string().min(1), headers: stringMap.optional() })
  .strict();

const mcpSchema = z
  .object({
    servers: z.record(
      z.string().regex(/^[A-Za-z0-9_-]+$/, 'an MCP server name uses letters, digits, _ and - only'),
      z.union([mcpStdioSchema, mcpHttpSchema]),
    ),
    default: z.array(z.string()),
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
    mcp: mcpSchema,
    /** Prices per million tokens (USD) by model id, for models the price catalog lacks (self-hosted). */
    prices: z.record(
      z.string(),
      z
        .object({
          input: z.number().nonnegative(),
          output: z.number().nonnegative(),
          cacheRead: z.number().nonnegative().optional(),
          cacheWrite: z.number().nonnegative().optional(),
        })
        .strict(),
    ),
  })
  .partial()
  .strict();

/** A validated configuration. */
export type OmnigentConfig = z.infer<typeof configSchema>;

/** Validate a parsed config value; errors name the file, the line when `locate` knows it, the key and what was expected. */
export function validateConfig(
  value: unknown,
  file?: string,
  locate?: (path: PropertyKey[]) => number | undefined,
): OmnigentConfig {
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
  } else if (issue.code === 'invalid_union' && path[0] === 'mcp') {
    message = 'expected a stdio server {command, args?, env?, cwd?} or an HTTP server {url, headers?}';
  } else if (issue.code === 'invalid_type') {
    message = `expected ${issue.expected}`;
  } else if (issue.code === 'invalid_value' && 'values' in issue) {
    message = `expected one of ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  }
  const line = locate?.(path);
  throw new ConfigError(message, {
    ...(file ? { file } : {}),
    ...(line ? { line } : {}),
    key: path.map(String).join('.') || '(root)',
  });
}
