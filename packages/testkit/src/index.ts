export type { FakeHarnessOptions } from './fake-harness.js';
export { fakeHarnessEnv, fakeEnvName, parseFakeOptions, runFakeHarness } from './fake-harness.js';
export { fakeHarness, FAKE_HARNESS_BIN } from './fake-plugin.js';
export type { MockResponsesOutput, MockResponsesUsage, MockResponsesTurn, MockResponsesScenario, MockRecordedRequest, MockResponsesServer } from './mock-openai-responses.js';
export { startMockResponses, latestUserText } from './mock-openai-responses.js';
export type { MockAnthropic, MockAnthropicBlock, MockAnthropicRequest, MockAnthropicScenario, MockAnthropicTurn, MockAnthropicUsage } from './mock-anthropic.js';
export { startMockAnthropic } from './mock-anthropic.js';
export type { MockChatCompletionsServer, MockChatScenario, MockChatScript, MockChatTurn, MockChatToolCall, MockChatUsage, MockChatRequest } from './mock-chat-completions.js';
export { startMockChatCompletions } from './mock-chat-completions.js';
