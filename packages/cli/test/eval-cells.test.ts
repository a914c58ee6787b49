import { describe, expect, it } from 'vitest';
import { cellKey, evalCells, findBaseline, groupLabel } from '../src/commands/eval/cells.js';
import type { EvalTask } from '../src/commands/eval/task-file.js';

const task = (id: string): EvalTask => ({
  id,
  file: `/s/${id}.yaml`,
  prompt: 'p',
  repo: '/s',
  setup: [],
  tags: [],
  checks: [],
});

describe('eval cells', () => {
  it('task × harness × model × variant × repeat, in a stable order with 0-based repeats', () => {
    const cells = evalCells([task('a'), task('b')], ['h1', 'h2'], ['m1'], [{ name: 'v1' }, { name: 'v2' }], 2);
    expect(cells).toHaveLength(16);
    expect(
      cells.slice(0, 5).map((c) => `${c.index} ${c.task.id} ${c.harness} ${c.model} ${c.variant.name} ${c.repeat}`),
    ).toEqual(['0 a h1 m1 v1 0', '1 a h1 m1 v1 1', '2 a h1 m1 v2 0', '3 a h1 m1 v2 1', '4 a h2 m1 v1 0']);
    const plain = evalCells([task('a')], ['h'], [], [], 1);
    expect(plain.map((c) => [c.model, c.variant.name])).toEqual([[undefined, 'default']]);
    expect(groupLabel({ harness: 'codex', variant: 'default' })).toBe('codex/default/default');
    expect(cellKey({ task: 'a', harness: 'h', variant: 'v', repeat: 2 })).toBe('a|h||v|2');
  });
  it("models per harness (the demo's scripted pairs): each harness gets only its own models, in the same stable order", () => {
    const own: Record<string, string[]> = { h1: ['a1', 'b1'], h2: ['a2'] };
    const cells = evalCells([task('a')], ['h1', 'h2', 'h3'], (h) => own[h] ?? [], [], 1);
    expect(cells.map((c) => `${c.index} ${c.harness} ${c.model}`)).toEqual([
      '0 h1 a1',
      '1 h1 b1',
      '2 h2 a2',
      '3 h3 undefined',
    ]);
  });
  it('--baseline: an exact label, else the one label holding every given part; ambiguity and misses are said', () => {
    const labels = ['codex/gpt-5/agent', 'codex/gpt-5-mini/agent', 'pi/fixer/agent'];
    expect(findBaseline(labels, 'codex/gpt-5/agent')).toEqual({ label: 'codex/gpt-5/agent' });
    expect(findBaseline(labels, 'pi')).toEqual({ label: 'pi/fixer/agent' });
    expect(findBaseline(labels, 'gpt-5-mini')).toEqual({ label: 'codex/gpt-5-mini/agent' });
    expect(findBaseline(labels, 'codex').error).toContain('matches 2 cells');
    expect(findBaseline(labels, 'cursor').error).toContain('matches no cell');
  });
});
