import { extname } from 'node:path';
import { ConfigError } from '@omnigent/core';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { validateConfig, type OmnigentConfig } from './config-schema.js';

function lineOf(doc: Document | undefined, text: string, path: PropertyKey[]): number | undefined {
  if (!doc) return undefined;
  let node: unknown = doc.contents;
  let range: [number, number, number] | undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      range = (pair.key as { range?: [number, number, number] }).range ?? range;
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
    throw new ConfigError(`not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${err.message.split('\n')[0]}`, {
      file,
      ...(line ? { line } : {}),
    });
  }
  try {
    // the yaml default bound (100 alias expansions): a "billion laughs" config is refused, not expanded
    return { value: doc.toJS({ maxAliasCount: 100 }), doc };
  } catch (error) {
    throw new ConfigError(`not valid YAML: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
}

/** Parse and validate a JSON or YAML config text (JSON is read as YAML for its line numbers). */
export function parseConfigText(file: string, text: string): OmnigentConfig {
  const { value, doc } = parseText(file, text);
  return validateConfig(value, file, (path) => lineOf(doc, text, path));
}
