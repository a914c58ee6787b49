import { isMap, isSeq, type Document, type LineCounter } from 'yaml';

/**
 * 1-based line of the node at `path` in a parsed YAML document: the line of the deepest key (or
 * list item) that exists on the way, so a bad value points at its key.
 */
export function lineOfPath(doc: Document, lines: LineCounter, path: ReadonlyArray<PropertyKey>): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = (node as { range?: [number, number, number] } | null)?.range?.[0];
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      offset = (pair.key as { range?: [number, number, number] } | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0] ?? offset;
    } else break;
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}
