import assert from 'node:assert/strict';
import { test } from 'node:test';
import { add, negate } from '../calc.js';

test('add sums', () => {
  assert.equal(add(2, 3), 5);
  assert.equal(add(-1, 1), 0);
});
test('negate still negates', () => assert.equal(negate(4), -4));
