import { spawnProcess } from './spawn-process.js';
import type { DetectResult, HarnessDefinition } from './contract.js';

const VERSION_RE = /\d+\.\d+\.\d+(?:[-+.][0-9A-Za-z.-]+)?|\d{4}\.\d{2}\.\d{2}-[0-9a-f]+/;

/** First version-looking token in a CLI's `--version` output (stdout or stderr). */
export function parseVersion(text: string): string | undefined {
  return VERSION_RE.exec(text)?.[0];
}

/** Run `plugin.detect` (default: `<bin> --version`), bounded to `timeoutMs`. Never throws. */
export async function detectVersion(
  plugin: Pick<HarnessDefinition, 'detect'>,
  bin: string,
  timeoutMs = 15_000,
): Promise<DetectResult & { error?: string }> {
  const exec = async (args: string[]) => {
    const { child, ended } = spawnProcess(bin, args, { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child?.stdout?.setEncoding('utf8').on('data', (text: string) => void (stdout += text));
    child?.stderr?.setEncoding('utf8').on('data', (text: string) => void (stderr += text));
    // a grandchild may hold the pipes open after the kill: stop reading too, so `ended` comes
    const timer = setTimeout(() => {
      child?.kill('SIGKILL');
      child?.stdout?.destroy();
      child?.stderr?.destroy();
    }, timeoutMs);
    const r = await ended;
    clearTimeout(timer);
    if (r.spawnError !== undefined) throw new Error(r.spawnError);
    // like a shell's $(…): the final newline is not part of the answer
    return { stdout: stdout.replace(/\r?\n$/, ''), stderr: stderr.replace(/\r?\n$/, ''), exitCode: r.exitCode };
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
