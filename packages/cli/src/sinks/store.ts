import type { SinkFactory } from './types.js';

/** The local run store (see @omnigent/store). Off until the store lands. */
export const storeSink: SinkFactory = async () => undefined;
