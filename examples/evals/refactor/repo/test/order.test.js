import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orderTotal } from '../src/order.js';

test('orderTotal', () =>
  assert.equal(
    orderTotal([
      { price: 2, quantity: 3 },
      { price: 1, quantity: 4 },
    ]),
    10,
  ));
