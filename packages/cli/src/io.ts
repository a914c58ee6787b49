/** Whether to use colors and symbols on stdout: a TTY, and NO_COLOR unset. */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

/** Write to stdout, waiting for the pipe to drain (so nothing is lost before exit). */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once('drain', () => resolve());
  });
}

/** Read all of stdin as text. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Print an error the CLI way: `omnigent: <message>` plus the hint. */
export function printError(error: unknown): void {
  const e = error as { message?: string; hint?: string };
  process.stderr.write(`omnigent: ${e?.message ?? String(error)}\n`);
  if (e?.hint) process.stderr.write(`  ${e.hint}\n`);
}
