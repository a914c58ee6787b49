import { existsSync, realpathSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { isRecord, num, str } from '@omnigent/core/kit';

/** A client request refused: the message goes back to the agent as the JSON-RPC error. */
export class Refusal extends Error {}

/** The nearest existing ancestor's real path, plus the rest: where a not-yet-existing path would land. */
function realish(path: string): string {
  let dir = path;
  const rest: string[] = [];
  while (!existsSync(dir)) {
    const parent = dirname(dir);
    if (parent === dir) break;
    rest.unshift(dir.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
    dir = parent;
  }
  return resolve(realpathSync(dir), ...rest);
}

/**
 * `path` when it lies inside `root` once symlinks are resolved (the agent may not reach outside the
 * run's cwd through `../` or a link). Contract: ACP paths are absolute; a relative one is refused.
 */
export function insideRoot(root: string, path: unknown): string {
  const p = str(path);
  if (!p) throw new Refusal('a path is required');
  if (!isAbsolute(p)) throw new Refusal(`ACP paths are absolute; got "${p}"`);
  const real = realish(resolve(p));
  const base = realpathSync(root);
  const rel = relative(base, real);
  if (rel.startsWith('..') || isAbsolute(rel))
    throw new Refusal(`${p} is outside the run's working directory ${root}; omnigent serves files only inside it`);
  return real;
}

/** `fs/read_text_file`: the file's text, or `limit` lines from 1-based `line`. */
export async function readTextFile(root: string, params: unknown): Promise<{ content: string }> {
  const p = isRecord(params) ? params : {};
  const file = insideRoot(root, p.path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Refusal(`cannot read ${String(p.path)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const line = num(p.line);
  const limit = num(p.limit);
  if (line === undefined && limit === undefined) return { content: text };
  const lines = text.split('\n');
  const from = Math.max(0, (line ?? 1) - 1);
  return { content: lines.slice(from, limit !== undefined ? from + limit : undefined).join('\n') };
}

/** `fs/write_text_file`: writes (creating parent directories); returns whether the file existed. */
export async function writeTextFile(root: string, params: unknown): Promise<{ path: string; existed: boolean }> {
  const p = isRecord(params) ? params : {};
  const file = insideRoot(root, p.path);
  if (typeof p.content !== 'string') throw new Refusal('content must be a string');
  const existed = existsSync(file);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, p.content, 'utf8');
  return { path: str(p.path)!, existed };
}
