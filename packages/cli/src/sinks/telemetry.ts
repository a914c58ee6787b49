import type { SinkFactory } from './types.js';

/** OpenTelemetry export (see @omnigent/telemetry-otel). Off until telemetry lands. */
export const telemetrySink: SinkFactory = async () => undefined;
