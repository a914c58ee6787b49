export type { RunHarnessOptions, RunHarnessResult } from './run-harness.js';
export { runHarness, applyConfig } from './run-harness.js';
export type { OmnigentConfig, LoadedConfig } from './config.js';
export { loadConfig, CONFIG_FILES } from './config.js';
export { validateConfig, configSchema, parseConfigText } from './config-schema.js';
export type { RunContext, RunSink, SinkFactory, WorkflowStepContext } from './sinks/types.js';
export { EXIT, exitCodeFor, exitCodeForError } from './exit-codes.js';
export { createRenderer, formatDuration, formatUsage, summarizeInput } from './render.js';
export { loadHarnessPlugin, loadAllPlugins, discoveryOptions } from './plugins.js';
