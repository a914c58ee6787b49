/** What a failure is grouped by: the same signature means the same kind of failure. */
export interface FailureSignature {
  /** `TypeError`, `ENOENT`, `exit 1`, `timeout`… or `error` when nothing more is known. */
  errorClass: string;
  /** The message with the variable parts replaced: `<n>`, `<path>`, `<id>`, `<str>`, `<url>`. */
  template: string;
  /** The tool (failed tool calls). */
  tool?: string;
  /** First words of the shell command (`pnpm test`, `git push`), for shell tools. */
  commandHead?: string;
}

const CLASS = /\b([A-Z][A-Za-z0-9]*(?:Error|Exception|Failure|Fault)|E[A-Z]{3,}[A-Z0-9]*|TS\d{4}|SIG[A-Z]{2,})\b/;
const EXIT = /\bexit(?:ed)?(?: with)?(?: code| status)? (\d+)\b/i;

/**
 * Replace what varies between two occurrences of the same failure: quoted text, URLs, paths,
 * ids (uuids, hex, long digit runs), numbers. Contract: deterministic; at most 160 characters.
 */
export function messageTemplate(message: string): string {
  const first =
    message
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? '';
  return first
    .replace(/\bhttps?:\/\/\S+/g, '<url>')
    .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '<str>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
    .replace(/(?:[A-Za-z]:)?(?:~|\.{1,2}|[\w.@+-]+)?(?:\/[\w.@+-]+)+\/?(?::\d+(?::\d+)?)?/g, '<path>')
    .replace(
      /\b[\w-]+\.(?:[cm]?[jt]sx?|py|go|rs|java|rb|json|ya?ml|toml|md|txt|css|html|sh|lock)(?::\d+(?::\d+)?)?\b/g,
      '<path>',
    )
    .replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/gi, '<id>')
    .replace(/\b\d+(?:\.\d+)?(?:ms|s|m|h|kb|mb|gb|%)?\b/gi, '<n>')
    .replace(/\s+/g, ' ')
    .slice(0, 160)
    .trim();
}

/** The error class a message names (`TypeError`, `ENOENT`, `TS2307`, `exit 1`), else `fallback`. */
export function errorClassOf(message: string, fallback = 'error'): string {
  const m = CLASS.exec(message);
  if (m) return m[1]!;
  const exit = EXIT.exec(message);
  if (exit) return `exit ${exit[1]}`;
  return fallback;
}

const RUNNERS = new Set([
  'npm',
  'pnpm',
  'yarn',
  'bun',
  'npx',
  'git',
  'cargo',
  'go',
  'python',
  'python3',
  'pip',
  'uv',
  'make',
  'docker',
  'node',
  'deno',
  'poetry',
  'bundle',
  'dotnet',
  'mvn',
  'gradle',
  'kubectl',
]);

/**
 * The head of a shell command: its program, plus the subcommand for runners (`pnpm test`,
 * `git push`, `cargo build`). `cd x && pnpm test` gives `pnpm test` (the `cd` is not the point).
 */
export function commandHead(command: string): string | undefined {
  const parts = command
    .split(/&&|\|\||;|\|/)
    .map((p) => p.trim())
    .filter(Boolean);
  const main = parts.find((p) => !/^(cd|export|set|source|\.)\s/.test(p)) ?? parts[0];
  if (!main) return undefined;
  const words = main.replace(/^(?:[A-Z_][A-Z0-9_]*=\S*\s+)+/, '').split(/\s+/);
  const prog = (words[0] ?? '').replace(/^.*\//, '');
  if (!prog) return undefined;
  // the subcommand is the first bare word: not a flag, not a path or a flag's value like `-C /w`
  const sub = words.slice(1).find((w) => /^[a-z][\w:.-]*$/.test(w));
  return RUNNERS.has(prog) && sub ? `${prog} ${sub}` : prog;
}

/** One-line label of a signature: `Bash · pnpm test · exit 1: <n> tests failed` (the class once when the template starts with it). */
export function signatureLabel(s: FailureSignature): string {
  const what = s.template.startsWith(s.errorClass)
    ? s.template
    : `${s.errorClass}${s.template ? `: ${s.template}` : ''}`;
  return [s.tool, s.commandHead, what].filter(Boolean).join(' · ');
}

/**
 * The failure's own words: from where the error class is named on (`codex exited with code 1:
 * TypeError: x` gives `TypeError: x`), so wrappers that differ by harness do not split a group.
 */
export function failureText(message: string, errorClass: string): string {
  const at = message.indexOf(errorClass);
  return at > 0 ? message.slice(at) : message;
}

/** Stable key of a signature (equal keys = one group). */
export function signatureKey(s: FailureSignature): string {
  return JSON.stringify([s.tool ?? '', s.commandHead ?? '', s.errorClass, s.template]);
}
