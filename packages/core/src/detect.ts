import { execa } from 'execa';
import type { DetectResult, HarnessDefinition } from './contract.js';

const VERSION_RE = /\d+\.\d+\.\d+(?:[-+.][0-9A-Za-z.-]+)?|\d{4}\.\d{2}\.\d{2}-[0-9a-f]+/;

/** First version-looking token in a CLI's `--version` output (stdout or stderr). */
export function parseVersion(text: string): string | undefined {
  return VERSION_RE.exec(text)?.[0];
}

/** Run `plugin.detect` (default: `<bin> --version`), bounded to `timeoutMs`. Never throws. */
export async function detectVersion(plugin: Pick<HarnessDefinition, 'detect'>, bin: string, timeoutMs = 15_000): Promise<DetectResult & { error?: string }> {
  const exec = async (args: string[]) => {
    const r = await execa(bin, args, { reject: false, timeout: timeoutMs, stdin: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
    return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode };
  };
  try {
    if (plugin.detect) return await plugin.detect(bin, exec);
    const r = await exec(['--version']);
    const version = parseVersion(r.stdout) ?? parseVersion(r.stderr);
    return version ? { version } : { error: `could not read a version from \`${bin} --version\`` };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
