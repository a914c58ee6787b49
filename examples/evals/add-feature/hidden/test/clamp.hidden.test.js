import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clamp, range } from '../range.js';

test('clamp', () => {
  assert.equal(clamp(5, 0, 10), 5);
  assert.equal(clamp(-3, 0, 10), 0);
  assert.equal(clamp(42, 0, 10), 10);
});
test('range is unchanged', () => assert.deepEqual(range(1, 4), [1, 2, 3]));
