export { acpHarness as default, acpHarness, acpCommand, NO_AGENT_HINT } from './plugin.js';
export type { AcpOptions, PermissionFallback } from './options.js';
export { acpOptions } from './options.js';
export type { PermissionDecision, PermissionSubject } from './permissions.js';
export { decidePermission } from './permissions.js';
export { UpdateTranslator, promptUsage } from './updates.js';
export { acpMcpServers } from './mcp.js';
