import { sumAll } from './math.js';

/** The total of an order's line prices. */
export function orderTotal(lines) {
  return sumAll(lines.map((l) => l.price * l.quantity));
}
