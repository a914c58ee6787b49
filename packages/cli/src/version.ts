import { readFileSync } from 'node:fs';

/** Version of the omnigent CLI package. */
export const version: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
