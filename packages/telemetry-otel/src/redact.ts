// The redactor lives in @omnigent/core so that the run store applies the same rules at write time.
export { REDACTED, createRedactor } from '@omnigent/core';
export type { Redactor, RedactorOptions } from '@omnigent/core';
