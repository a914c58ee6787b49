// Starts the real MLflow tracking server (../shared/tools/mlflow-server, MLflow 3.6.1.dev0) once for
// the whole test run; tests read traces back through its REST API (test/mlflow-rest.ts). Without
// python3 the MLflow tests are skipped with a message, except in CI, where that is an error.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const here = dirname(fileURLToPath(import.meta.url));
/** The shared tools folder sits next to the project root (the worktree or the main checkout). */
function toolDir(): string | undefined {
  if (process.env.OMNIGENT_MLFLOW_TOOL) return process.env.OMNIGENT_MLFLOW_TOOL;
  let dir = resolve(here, '../../..');
  for (let i = 0; i < 4; i++) {
    const candidate = resolve(dir, '../shared/tools/mlflow-server');
    if (existsSync(resolve(candidate, 'start.sh'))) return candidate;
    dir = resolve(dir, '..');
  }
  return undefined;
}

declare module 'vitest' {
  interface ProvidedContext {
    mlflowUrl?: string;
  }
}

export default function setup(project: TestProject): (() => void) | undefined {
  const python = process.env.MLFLOW_PYTHON ?? 'python3';
  const tool = toolDir();
  const missing =
    spawnSync(python, ['--version']).status !== 0
      ? `${python} not found`
      : !tool
        ? 'the shared tools folder (../shared/tools/mlflow-server) not found'
        : undefined;
  if (missing) {
    if (process.env.CI === 'true' && process.env.OMNIGENT_MLFLOW_OPTIONAL !== '1')
      throw new Error(`MLflow tests cannot run in CI: ${missing}`);
    console.warn(`MLflow server tests skipped: ${missing}`);
    return undefined;
  }
  const run = (script: string, ...args: string[]): string =>
    execFileSync('bash', [resolve(tool!, script), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  run('setup.sh');
  const out = run('start.sh', '--port', '0');
  const m = /MLFLOW_URL=(\S+) PID=(\d+)/.exec(out);
  if (!m) throw new Error(`start.sh printed no MLFLOW_URL: ${out}`);
  const [, url, pid] = m;
  project.provide('mlflowUrl', url);
  return () => {
    run('stop.sh', pid!);
  };
}
