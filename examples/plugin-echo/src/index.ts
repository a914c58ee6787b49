export { echoHarness as default, echoHarness } from './plugin.js';
export type { EchoOptions } from './plugin.js';
export type { EchoState } from './state.js';
export { createEchoState } from './state.js';
export type { EchoRecord } from './records.js';
export { isEchoRecord } from './records.js';
export { translateEcho } from './translate.js';
export { finishEcho } from './finish.js';
