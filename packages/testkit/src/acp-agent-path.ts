import { fileURLToPath } from 'node:url';

/** Path of the scripted ACP agent executable shipped in this package (see `AcpAgentScript`). */
export const ACP_AGENT_BIN = fileURLToPath(new URL('../bin/omnigent-acp-agent.js', import.meta.url));
