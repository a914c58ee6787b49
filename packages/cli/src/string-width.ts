import { eastAsianWidth } from 'get-east-asian-width';

// ESC [ … final byte, and OSC … BEL/ST: what a terminal does not draw
const ANSI = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)/g;
const ZERO = /^[\p{Mark}\p{Default_Ignorable_Code_Point}\p{Control}\p{Surrogate}]$/u;
const PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;

/**
 * Columns a string takes in a terminal. Stands in for the `string-width` package inside the
 * bundle (yargs' help layout calls it for every word): printable ASCII is counted by length, and
 * only other text is measured per code point, without compiling a large emoji pattern per call.
 * Contract: ANSI escapes, controls, combining marks and zero-width characters count 0;
 * pictographs and East Asian wide characters count 2. Default: ambiguous-width characters are narrow.
 */
export default function stringWidth(
  text: string,
  options: { ambiguousIsNarrow?: boolean; countAnsiEscapeCodes?: boolean } = {},
): number {
  if (typeof text !== 'string' || text.length === 0) return 0;
  const plain = options.countAnsiEscapeCodes ? text : text.replace(ANSI, '');
  if (/^[\x20-\x7E]*$/.test(plain)) return plain.length;
  let width = 0;
  for (const ch of plain) {
    if (ZERO.test(ch)) continue;
    if (PICTOGRAPHIC.test(ch)) width += 2;
    else width += eastAsianWidth(ch.codePointAt(0)!, { ambiguousAsWide: options.ambiguousIsNarrow === false });
  }
  return width;
}
