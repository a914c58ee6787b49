// `omnigent eval` on the REAL MLflow server: each cell's trace carries its eval id, task, variant
// and repeat as tags, and its check outcomes as MLflow assessments (code feedback).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { mlflowRest } from './mlflow-rest.js';
import { OMNIGENT, seedEnv } from './omnigent-child.js';

const url = inject('mlflowUrl');
const here = dirname(fileURLToPath(import.meta.url));
const FAKE_PLUGIN = join(here, '../../testkit/dist/fake-plugin.js');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function omnigent(
  cwd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [OMNIGENT, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
        HOME: cwd,
        NO_COLOR: '1',
        OMNIGENT_STORE: join(cwd, '.store'),
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Assessment {
  assessment_name: string;
  source: { source_type: string; source_id: string };
  feedback: { value: unknown };
  rationale?: string;
  metadata?: Record<string, string>;
}

describe.skipIf(!url)('omnigent eval on the real MLflow server', () => {
  it('every cell trace: eval tags, one assessment per check and task_passed, searchable by eval id', async () => {
    const api = mlflowRest(url!);
    const exp = await api.createExperiment('eval-cells');
    const dir = mkdtempSync(join(tmpdir(), 'omnigent-mlflow-eval-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'omnigent.config.json'), JSON.stringify({ plugins: [FAKE_PLUGIN] }));
    mkdirSync(join(dir, 'task', 'repo'), { recursive: true });
    mkdirSync(join(dir, 'task', 'hidden'), { recursive: true });
    writeFileSync(join(dir, 'task', 'repo', 'calc.js'), 'module.exports = (a, b) => a - b;\n');
    writeFileSync(
      join(dir, 'task', 'hidden', 'add.check.js'),
      "const add = require('./calc.js'); if (add(2, 3) !== 5) { console.error('add(2, 3) gave ' + add(2, 3)); process.exit(1); }\n",
    );
    writeFileSync(
      join(dir, 'task', 'task.yaml'),
      'id: fix-add\nprompt: fix add\nrepo: repo\nchecks:\n  - name: hidden-test\n    run: node add.check.js\n    files: hidden\n  - name: style\n    run: grep -q "a + b" calc.js\n',
    );
    const fixer = join(dir, 'fixer.jsonl');
    writeFileSync(
      fixer,
      [
        { type: 'session.started', sessionId: 'eval-sess', cwd: '.', model: 'fake-model' },
        { $fake: 'write', path: 'calc.js', content: 'module.exports = (a, b) => b + a;\n' },
        { type: 'usage', scope: 'turn', source: 'stream', confidence: 'exact', input: 100, output: 10 },
        { type: 'result', ok: true, result: 'fixed' },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n',
    );
    const env = {
      ...seedEnv(url!),
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: `x-mlflow-experiment-id=${exp}`,
      OMNIGENT_FAKE_TRANSCRIPT: fixer,
    };
    const r = await omnigent(dir, ['eval', join(dir, 'task'), '-H', 'fake', '-n', '2', '--id', 'ml1', '--json'], env);
    expect(r.code, r.stderr).toBe(0);

    const traces = await api.search(exp, "tags.`omnigent.eval.id` = 'ml1'");
    expect(traces).toHaveLength(2);
    for (const t of traces) {
      expect(t.tags).toMatchObject({
        'omnigent.eval.id': 'ml1',
        'omnigent.eval.task': 'fix-add',
        'omnigent.eval.variant': 'default',
        'omnigent.eval.passed': 'false',
        'omnigent.harness': 'fake',
      });
      const info = (await api.info(t.trace_id)) as unknown as { assessments?: Assessment[] };
      const byName = Object.fromEntries((info.assessments ?? []).map((a) => [a.assessment_name, a]));
      expect(Object.keys(byName).sort()).toEqual(['hidden-test', 'style', 'task_passed']);
      expect(byName['hidden-test']).toMatchObject({
        source: { source_type: 'CODE', source_id: 'omnigent eval' },
        feedback: { value: true },
        metadata: { 'omnigent.eval.id': 'ml1', 'omnigent.eval.task': 'fix-add' },
      });
      expect(byName['hidden-test']!.rationale).toMatch(/^exit 0 in \d+ ms/);
      expect(byName.style).toMatchObject({ feedback: { value: false } });
      expect(byName.style!.rationale).toMatch(/^exit 1 in \d+ ms/);
      expect(byName.task_passed).toMatchObject({ feedback: { value: false }, rationale: '1 of 2 checks passed' });
    }
    expect(traces.map((t) => t.tags['omnigent.eval.repeat']).sort()).toEqual(['0', '1']);
  }, 180_000);
});
