export type { FakeHarnessOptions } from './fake-harness.js';
export { fakeHarnessEnv, fakeEnvName, parseFakeOptions, runFakeHarness } from './fake-harness.js';
export { fakeHarness, FAKE_HARNESS_BIN } from './fake-plugin.js';
