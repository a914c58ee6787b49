/** Numbers from start (inclusive) to end (exclusive). */
export function range(start, end) {
  const out = [];
  for (let i = start; i < end; i++) out.push(i);
  return out;
}
