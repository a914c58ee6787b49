#!/usr/bin/env node
// `omnigent-mcp-provider --name docs-a [--latency ms] [--fail-every n] [--answer-chars n] [--log file]`:
// a testkit MCP provider on stdio, for a harness to spawn.
import { parseMcpProviderArgs, runMcpStdioProvider } from './mcp-provider.js';

try {
  await runMcpStdioProvider(parseMcpProviderArgs(process.argv.slice(2)));
} catch (error) {
  process.stderr.write(`omnigent-mcp-provider: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
