export type {
  RunStatus,
  ToolStats,
  UsageSummary,
  RunWorkflow,
  RunGit,
  RunStart,
  RunEnd,
  RunSummary,
  StoredRequest,
  WorkKind,
  RunEval,
  CheckResult,
} from './types.js';
export { PROMPT_PREVIEW_CHARS, RUN_STATUSES, WORK_KINDS } from './types.js';
export type { StoreLocation } from './paths.js';
export { resolveStoreDir } from './paths.js';
export { readGitState } from './git.js';
export type { IndexRecord, IndexRuns } from './index-file.js';
export { foldIndex, readIndex, appendRecord, CACHE_REFRESH_BYTES } from './index-file.js';
export { SummaryBuilder } from './summarize.js';
export type { RecorderOptions } from './recorder.js';
export { RunRecorder, SKIPPED_EVENT_TYPES } from './recorder.js';
export type { RecorderFinishExtra } from './recorder.js';
export { RunStore, openStore, parseEvents } from './store.js';
export type { RunFilter } from './filter.js';
export { parseSince, splitList, matchesFilter } from './filter.js';
export { quantile, median } from './stats.js';
export type { GroupDimension, GroupFigure, ToolFigure, CompareGroup } from './compare.js';
export { compareRuns, summarizeGroup, toolFigures, dimensionValue } from './compare.js';
export type { McpCompareGroup, McpGroupDimension, McpServerFigure } from './compare-mcp.js';
export { NO_MCP, compareByMcp, mcpCompareCsv, mcpServersOf, renderMcpCompareTable } from './compare-mcp.js';
export { kindDimensionValue } from './compare-kind.js';
export type { KindInput, KindGuess } from './classify-kind.js';
export { classifyKind, isWorkKind, LOW_CONFIDENCE } from './classify-kind.js';
export {
  UNKNOWN,
  FIGURE_NOTES,
  formatInt,
  formatMs,
  formatUsd,
  formatPercent,
  formatFigure,
  formatRunUsage,
  formatLocalTime,
  formatStatus,
  renderTable,
  renderCompareTable,
  renderToolTable,
  renderRunsTable,
  compareCsv,
  toolCsv,
  noRunsText,
} from './format.js';
export { renderRunHeader, renderTimeline } from './timeline.js';
export { StoreAccessError, StoreQueryError } from './errors.js';
export type { HtmlReportInput } from './report-html.js';
export { renderHtmlReport, REPORT_CSS } from './report-html.js';
export type { FailureSignature } from './failure-signature.js';
export { messageTemplate, errorClassOf, commandHead, signatureLabel, failureText } from './failure-signature.js';
export type {
  Insights,
  KindLabel,
  Totals,
  WeekMix,
  WorkMix,
  ExampleRun,
  KindSpeed,
  FailureGroup,
  Failures,
  Contender,
  KindBest,
  McpServerFigures,
} from './insights-types.js';
export type { InsightsOptions } from './insights.js';
export { computeInsights } from './insights.js';
export { MIN_RUNS_FOR_RANKING } from './insights-best.js';
export { weekOf } from './insights-work-mix.js';
export { mcpRefOf } from './insights-mcp.js';
export { renderInsights } from './format-insights.js';
export { renderInsightsSections, renderInsightsHtml } from './report-insights-html.js';
export type { ImportSessionOptions } from './import-session.js';
export { importedRunId, importSession, sessionEvents, classifySession } from './import-session.js';
export { terminalSafe } from './terminal-safe.js';
export { SkippedRecords, eventProblem } from './validate.js';
export { DIR_MODE, FILE_MODE } from './private-files.js';
export type {
  Interval,
  PairedCounts,
  EvalOutcome,
  EvalFigure,
  EvalSummary,
  EvalVerdict,
  EvalComparison,
} from './eval-stats.js';
export {
  Z95,
  UNDECIDED_WIDTH,
  wilsonInterval,
  newcombeUnpaired,
  newcombePaired,
  mcnemarExact,
  fisherExact,
  summarizeOutcomes,
  compareOutcomes,
  verdictText,
} from './eval-stats.js';
export type { EvalGroup, EvalResults } from './eval-results.js';
export {
  runPassed,
  runOutcome,
  evalGroupLabel,
  latestEvalRuns,
  evalResults,
  formatRate,
  formatComparison,
  renderEvalTable,
  evalCsv,
} from './eval-results.js';
export type { SideFilter } from './side-filter.js';
export { parseSideFilter, matchesSide } from './side-filter.js';
export { renderEvalSection } from './report-html-eval.js';
