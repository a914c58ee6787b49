import { describe, expect, it } from 'vitest';
import { WorkflowError, loadWorkflow, parseWorkflow, type WorkflowIssue } from '../src/index.js';

function issuesOf(text: string, options: Parameters<typeof parseWorkflow>[1] = {}): WorkflowIssue[] {
  try {
    parseWorkflow(text, { file: 'wf.yaml', ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowError);
    return (error as WorkflowError).issues;
  }
  throw new Error('expected the workflow to be invalid');
}

describe('workflow validation', () => {
  it('accepts a DAG, applies defaults and normalizes needs', () => {
    const wf = parseWorkflow(
      [
        'name: review',
        'defaults:',
        '  harness: fake',
        '  timeout: 30',
        '  env: { A: 1 }',
        'steps:',
        '  - id: plan',
        '    prompt: "plan {{ input }}"',
        '  - id: build',
        '    needs: plan',
        '    harness: other',
        '    isolation: worktree',
        '    apply: true',
        '    env: { B: x }',
        '    prompt: "build {{ steps.plan.output }}"',
      ].join('\n'),
      { harnesses: ['fake', 'other'] },
    );
    expect(wf.steps.map((s) => [s.id, s.harness, s.needs, s.timeoutMs])).toEqual([
      ['plan', 'fake', [], 30_000],
      ['build', 'other', ['plan'], 30_000],
    ]);
    expect(wf.steps[1]!.env).toEqual({ A: '1', B: 'x' });
    expect(wf.steps[1]!.line).toBe(9);
  });

  it('a dependency cycle is named with its path and line', () => {
    const issues = issuesOf(
      [
        'steps:',
        '  - id: a',
        '    harness: fake',
        '    needs: c',
        '    prompt: x',
        '  - id: b',
        '    harness: fake',
        '    needs: a',
        '    prompt: x',
        '  - id: c',
        '    harness: fake',
        '    needs: [b]',
        '    prompt: x',
      ].join('\n'),
    );
    expect(issues).toEqual([
      { file: 'wf.yaml', line: 4, key: 'steps.0.needs', message: 'dependency cycle: a -> c -> b -> a' },
    ]);
  });

  it('an unknown step in needs names the step, the known ones, and the line of the list item', () => {
    const issues = issuesOf(
      [
        'steps:',
        '  - id: a',
        '    harness: fake',
        '    prompt: x',
        '  - id: b',
        '    harness: fake',
        '    needs:',
        '      - a',
        '      - nope',
        '    prompt: x',
      ].join('\n'),
    );
    expect(issues).toEqual([
      { file: 'wf.yaml', line: 9, key: 'steps.1.needs.1', message: 'unknown step "nope" (steps: a, b)' },
    ]);
  });

  it('an unknown harness lists the installed ones', () => {
    const issues = issuesOf(['steps:', '  - id: a', '    harness: clod', '    prompt: x'].join('\n'), {
      harnesses: ['claude-code', 'codex'],
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 3, key: 'steps.0.harness' });
    expect(issues[0]!.message).toContain('unknown harness "clod" (installed: claude-code, codex');
  });

  it('unknown template variables, unknown fields and steps that are not needed are errors on the prompt line', () => {
    const issues = issuesOf(
      [
        'steps:',
        '  - id: a',
        '    harness: fake',
        '    prompt: "{{ inptu }}"',
        '  - id: b',
        '    harness: fake',
        '    prompt: "{{ steps.a.output }}"',
        '  - id: c',
        '    harness: fake',
        '    needs: [a]',
        '    prompt: |',
        '      {{ steps.a.stdout }} {{ steps.zz.output }}',
      ].join('\n'),
    );
    expect(issues.map((i) => [i.line, i.key])).toEqual([
      [4, 'steps.0.prompt'],
      [7, 'steps.1.prompt'],
      [11, 'steps.2.prompt'],
      [11, 'steps.2.prompt'],
    ]);
    expect(issues[0]!.message).toContain('unknown template variable {{ inptu }}');
    expect(issues[1]!.message).toBe(
      '{{ steps.a.output }} refers to step "a", which "b" does not need (add it to needs)',
    );
    expect(issues[2]!.message).toContain('unknown step field {{ steps.a.stdout }}');
    expect(issues[3]!.message).toBe('{{ steps.zz.output }} refers to an unknown step "zz"');
  });

  it('bad YAML is reported with its line', () => {
    const issues = issuesOf(['name: x', 'steps:', '  - id: a', '    prompt: x: y', '    harness: fake', ''].join('\n'));
    expect(issues).toEqual([
      {
        file: 'wf.yaml',
        line: 4,
        key: '(yaml)',
        message: 'not valid YAML: Nested mappings are not allowed in compact mappings',
      },
    ]);
  });

  it('schema errors name the key and line: unknown key, wrong type, bad enum, duplicate id, missing harness', () => {
    const issues = issuesOf(
      [
        'steps:',
        '  - id: a',
        '    harness: fake',
        '    prompt: x',
        '    retry: 2',
        '  - id: b',
        '    harness: fake',
        '    prompt: x',
        '    timeout: soon',
        '    on_failure: ignore',
      ].join('\n'),
    );
    expect(issues.map((i) => `${i.line} ${i.key}: ${i.message}`)).toEqual([
      '5 steps.0.retry: unknown key; did you mean "retries"?',
      '9 steps.1.timeout: expected number',
      '10 steps.1.on_failure: expected one of "stop", "continue"',
    ]);
    const more = issuesOf(
      ['steps:', '  - id: a', '    prompt: x', '  - id: a', '    harness: fake', '    prompt: y'].join('\n'),
    );
    expect(more.map((i) => `${i.line} ${i.key}: ${i.message}`)).toEqual([
      '2 steps.0.harness: missing (set harness on the step or under defaults)',
      '4 steps.1.id: duplicate step id "a"',
    ]);
  });

  it('messages a user can act on: a missing prompt or id says why it is needed, limits read as words, a misspelt key gets a suggestion, issues come in file order', () => {
    const issues = issuesOf(
      [
        'nmae: x',
        'defaults:',
        '  modle: m',
        '  retries: 20',
        'steps:',
        '  - harness: fake',
        '    promt: x',
        '    timeout: -3',
        '  - id: b',
        '    harness: fake',
        '    prompt: ""',
        '    xyzzy: 1',
      ].join('\n'),
    );
    expect(issues.map((i) => `${i.line} ${i.key}: ${i.message}`)).toEqual([
      '1 nmae: unknown key; did you mean "name"?',
      '3 defaults.modle: unknown key; did you mean "model"?',
      '4 defaults.retries: must be at most 10',
      // regression: was "missing (expected nonoptional)"
      '6 steps.0.id: missing: every step needs an id (letters, digits, - and _)',
      '6 steps.0.prompt: missing: every step needs a prompt (what the agent is asked)',
      '7 steps.0.promt: unknown key; did you mean "prompt"?',
      // regression: was "Too small: expected number to be >0"
      '8 steps.0.timeout: must be greater than 0',
      '11 steps.1.prompt: must not be empty',
      '12 steps.1.xyzzy: unknown key (see the workflow reference in the README of @omnigent/workflow)',
    ]);
    expect(issuesOf('name: x\n')).toEqual([
      { file: 'wf.yaml', line: 1, key: 'steps', message: 'missing: a workflow needs a list of steps' },
    ]);
  });

  it('the formatted error leaves out pseudo-keys, and a missing file says so with what to check', async () => {
    const err = (() => {
      try {
        parseWorkflow('steps:\n  - id: a\n    prompt: x: y\n', { file: 'wf.yaml' });
      } catch (e) {
        return e as WorkflowError;
      }
      throw new Error('expected a WorkflowError');
    })();
    expect(err.message).toMatch(/^Invalid workflow: wf\.yaml:3: not valid YAML: /);
    const missing = await loadWorkflow('/nonexistent/wf.yaml').then(
      () => undefined,
      (e: unknown) => e as WorkflowError,
    );
    expect(missing!.message).toBe(
      'Invalid workflow: /nonexistent/wf.yaml: cannot read the workflow file: no such file',
    );
    expect(missing!.hint).toContain('Check the path');
  });

  it('--set overrides a step (or every step with *) before validation', () => {
    const text = [
      'steps:',
      '  - id: a',
      '    harness: fake',
      '    prompt: x',
      '  - id: b',
      '    harness: fake',
      '    prompt: y',
    ].join('\n');
    const wf = parseWorkflow(text, { set: ['a.model=gpt-5', '*.timeout=12', 'b.model=123'] });
    expect(wf.steps.map((s) => [s.model, s.timeoutMs])).toEqual([
      ['gpt-5', 12_000],
      ['123', 12_000],
    ]);
    expect(issuesOf(text, { set: ['zz.model=x'] })[0]).toMatchObject({
      key: '--set',
      message: 'no step "zz" in the workflow',
    });
    expect(issuesOf(text, { set: ['a.timeout=soon'] })[0]).toMatchObject({
      key: 'steps.0.timeout',
      message: 'expected number',
    });
  });
});

describe('hostile YAML', () => {
  it('regression: an alias bomb is refused as a WorkflowError naming the file, not expanded', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const text = `${levels.join('\n')}\nname: bomb\nsteps:\n  - { id: s, harness: fake, prompt: x }\n`;
    let caught: unknown;
    try {
      parseWorkflow(text, { file: 'bomb.yaml' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WorkflowError);
    const issue = (caught as WorkflowError).issues[0]!;
    expect(issue).toMatchObject({ file: 'bomb.yaml', key: '(yaml)' });
    expect(issue.message).toMatch(/alias/i);
  });
});
