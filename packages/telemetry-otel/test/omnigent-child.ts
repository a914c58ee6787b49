import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built omnigent CLI. */
export const OMNIGENT = join(dirname(fileURLToPath(import.meta.url)), '../../cli/bin/omnigent.js');

/** The six variables of the MLflow user's setup (the seed), with the endpoint replaced. */
export function seedEnv(endpoint: string): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-mlflow-experiment-id=0',
    OMNIGENT_TELEMETRY_ENABLED: 'true',
    OMNIGENT_OTEL_HTTP_CLIENT_INSTRUMENTATION: 'false',
    OMNIGENT_OTEL_CAPTURE_CONTENT: 'true',
  };
}

/** How an `omnigent run` child ended. */
export interface Outcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `omnigent run <args>` as a child process with a minimal environment (HOME = cwd, no color) plus
 * `env`; SIGKILLed after `killAfterMs` in case omnigent itself hangs.
 */
export function omnigentRun(
  cwd: string,
  args: string[],
  env: Record<string, string>,
  killAfterMs = 110_000,
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [OMNIGENT, 'run', ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
        HOME: cwd,
        TERM: 'dumb',
        CI: 'true',
        NO_COLOR: '1',
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr });
    });
  });
}
