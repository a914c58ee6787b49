import { fileURLToPath } from 'node:url';

export type { McpHttpProvider, McpProviderCall, McpProviderOptions } from './mcp-provider.js';
export {
  MCP_PROVIDER_TOOLS,
  createMcpProvider,
  parseMcpProviderArgs,
  readMcpProviderLog,
  runMcpStdioProvider,
  startMcpHttpProvider,
} from './mcp-provider.js';

/** Absolute path of the stdio provider script (`node <it> --name …`), for `mcp.servers.<name>.args`. */
export const MCP_PROVIDER_BIN = fileURLToPath(new URL('./mcp-provider-bin.js', import.meta.url));
