/** One cell of the matrix: a harness, a model (undefined: the harness's default) and a repetition. */
export interface MatrixCombination {
  /** Position in the full (unsharded) matrix, 0-based. */
  index: number;
  harness: string;
  model?: string;
  /** 1-based repetition. */
  repeat: number;
}

/** Every combination, harness-major then model then repetition (a stable order shards rely on). */
export function combinations(
  harnesses: string[],
  models: Array<string | undefined>,
  repeat: number,
): MatrixCombination[] {
  const out: MatrixCombination[] = [];
  for (const harness of harnesses) {
    for (const model of models.length ? models : [undefined]) {
      for (let r = 1; r <= repeat; r++)
        out.push({ index: out.length, harness, ...(model !== undefined ? { model } : {}), repeat: r });
    }
  }
  return out;
}

/** `i/n` -> the combinations of slice i (1-based): every one whose index is i-1 modulo n. */
export function shardOf<T extends { index: number }>(all: T[], shard: { i: number; n: number } | undefined): T[] {
  return shard ? all.filter((c) => c.index % shard.n === shard.i - 1) : all;
}

/** Parse `--shard i/n`; undefined when malformed. */
export function parseShard(text: string): { i: number; n: number } | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const i = Number(m[1]);
  const n = Number(m[2]);
  return n >= 1 && i >= 1 && i <= n ? { i, n } : undefined;
}

/** Label of a combination: `codex/gpt-5#2`. */
export function comboLabel(c: MatrixCombination): string {
  return `${c.harness}/${c.model ?? 'default'}#${c.repeat}`;
}
