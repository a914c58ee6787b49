// `@omnigent/core/internal`: pieces the omnigent packages share that are not part of the plugin or
// host API. Contract: no semver promise — names here may change in any release; plugins must not
// import them (the review of 2026-11, "Surface size": the main entry kept only what authors need).
export { SpillQueue } from './spill-queue.js';
export { terminateTree, descendants, isAlive, killTreeNow } from './process-tree.js';
export type { ProcessIdentity, TerminateOptions } from './process-tree.js';
export { which } from './binary.js';
export { nodeModulesDirs } from './discovery.js';
export { envName } from './errors.js';
export { trackChild, untrackChild } from './live-runs.js';
export { reaperWatch, reaperForget } from './reaper.js';
