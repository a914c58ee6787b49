/**
 * The model name as the provider knows it. Contract: Claude Code's context-window suffix
 * (`claude-opus-4-8[1m]`) is dropped, so the root and its model calls name one model; undefined stays undefined.
 */
export function baseModelName(model: string | undefined): string | undefined {
  if (!model) return model;
  const base = model.replace(/\[[^\]]*\]$/, '').trim();
  return base || model;
}
