/**
 * Harness ids with a first-party plugin, published as `@omnigent/plugin-<id>`. Contract: only
 * these get an install suggestion by package name; any other id is a third-party plugin whose
 * package name omnigent cannot guess.
 */
export const FIRST_PARTY_HARNESSES = ['claude-code', 'codex', 'cursor', 'pi', 'acp'] as const;

/** The package of a first-party harness plugin, or undefined for any other id. */
export function firstPartyPackage(harness: string): string | undefined {
  return (FIRST_PARTY_HARNESSES as readonly string[]).includes(harness) ? `@omnigent/plugin-${harness}` : undefined;
}
