/** The sum of a list of numbers. */
export function sumAll(values) {
  return values.reduce((a, b) => a + b, 0);
}
