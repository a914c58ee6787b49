// C0 controls but tab and newline, DEL, and the C1 controls (U+0080–U+009F: a terminal takes
// U+009B as CSI and U+009D as OSC, the same as ESC [ and ESC ]).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function visible(c: string): string {
  const code = c.charCodeAt(0);
  // U+2400 + code is the Unicode control picture of a C0 control (␛ for ESC, ␇ for BEL); ␡ for DEL.
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return `\\x${code.toString(16)}`;
}

/**
 * `text` made safe to print on a terminal: every control character that could move the cursor,
 * clear the screen, set the title, write the clipboard (OSC 52) or ring the bell is replaced by a
 * visible stand-in (`␛]52;c;…␇`, `\x9b`), so what the agent wrote is shown, never executed.
 * Contract: newlines and tabs are kept; CRLF becomes LF (a lone CR, which rewrites the line, is
 * shown as `␍`); text without controls is returned unchanged (same string).
 */
export function terminalSafe(text: string): string {
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(text)) return text;
  return text.replace(/\r\n/g, '\n').replace(CONTROL, visible);
}
