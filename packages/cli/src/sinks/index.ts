import type { SinkFactory } from './types.js';
import { storeSink } from './store.js';
import { telemetrySink } from './telemetry.js';

/** Sinks attached to every run, in order. */
export const SINKS: SinkFactory[] = [storeSink, telemetrySink];
