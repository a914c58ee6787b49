/**
 * A URL fit to print: the password of `user:pass@host` becomes `***` (`https://u:***@host/v1`).
 * Contract: anything that is not a URL with a password comes back unchanged.
 */
export function redactUrlPassword(value: string): string {
  // by hand rather than `new URL`: it must also mask a value URL would reject or normalize
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@?#\s]*):[^@/?#\s]*@/i, '$1:***@');
}
