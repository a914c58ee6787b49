export type { FakeHarnessOptions } from './fake-harness.js';
export { fakeHarnessEnv, fakeEnvName, parseFakeOptions, runFakeHarness } from './fake-harness.js';
export { fakeHarness, FAKE_HARNESS_BIN } from './fake-plugin.js';
export type {
  MockResponsesOutput,
  MockResponsesUsage,
  MockResponsesTurn,
  MockResponsesScenario,
  MockRecordedRequest,
  MockResponsesServer,
} from './mock-openai-responses.js';
export { startMockResponses, latestUserText } from './mock-openai-responses.js';
export type {
  MockAnthropic,
  MockAnthropicBlock,
  MockAnthropicRequest,
  MockAnthropicScenario,
  MockAnthropicTurn,
  MockAnthropicUsage,
} from './mock-anthropic.js';
export { startMockAnthropic } from './mock-anthropic.js';
export type {
  MockChatCompletionsServer,
  MockChatScenario,
  MockChatScript,
  MockChatTurn,
  MockChatToolCall,
  MockChatUsage,
  MockChatRequest,
} from './mock-chat-completions.js';
export { startMockChatCompletions } from './mock-chat-completions.js';
export type {
  OtlpReceiver,
  OtlpReceiverMode,
  OtlpReceiverOptions,
  OtlpValue,
  OtlpValueType,
  ReceivedRequest,
  ReceivedSpan,
  SpanNode,
} from './otlp-receiver.js';
export { OTLP_TRACE_PROTO, decodeTraceRequest, spanTree, spanTreeLines, startOtlpReceiver } from './otlp-receiver.js';
export type { ExitMeta, TranscriptOptions, TranscriptReplay } from './replay.js';
export { translateTranscript, ofType, readTranscript, readExitMeta, metaPathOf, exitOfMeta } from './replay.js';
export type { AcpAgentScript, AcpAgentStep } from './acp-agent.js';
export { ACP_AGENT_SCRIPT_ENV, acpAgentEnv, acpConformanceAgent } from './acp-agent.js';
export { ACP_AGENT_BIN } from './acp-agent-path.js';
