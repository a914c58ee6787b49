import { register } from 'node:module';

// Runs in Node's loader thread: a module of its own, given as a data: URL so the bundle needs no
// extra file. A specifier under one of `scopes` that the importing file cannot resolve is resolved
// as if imported by the CLI itself (its own copy of @omnigent/core).
const HOOKS = `
let parentURL; let scopes = [];
export async function initialize(data) { parentURL = data.parentURL; scopes = data.scopes; }
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !scopes.some((s) => specifier === s || specifier.startsWith(s + '/'))) throw error;
    return next(specifier, { ...context, parentURL });
  }
}
`;

let registered = false;

/**
 * Let plugin files outside any project (`plugins: - ./my-harness-plugin.mjs` with a global
 * omnigent) import `@omnigent/core`: when the file's own location cannot resolve it, it gets the
 * CLI's copy. Contract: idempotent; only resolution failures are redirected, so a plugin that
 * ships its own @omnigent/core keeps it. Default scope: `@omnigent/core`.
 */
export function shareCoreWithPluginFiles(scopes: string[] = ['@omnigent/core']): void {
  if (registered) return;
  registered = true;
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, { data: { parentURL: import.meta.url, scopes } });
}
