import { RequestError } from '@agentclientprotocol/sdk';
import type { SessionContext } from '@omnigent/core';
import { isRecord, str } from '@omnigent/core/kit';
import { readTextFile, Refusal, writeTextFile } from './client-fs.js';
import type { Terminals } from './client-terminal.js';
import type { AcpOptions } from './options.js';
import { decidePermission, writeAllowed } from './permissions.js';
import { effectiveKind, toolName } from './tools.js';
import type { UpdateTranslator } from './updates.js';

/** JSON-RPC error code of a request omnigent refuses (outside the cwd, forbidden by the mode). */
const REFUSED = -32000;

/** Pick the option of a permission request that says yes (once, preferably) or no. */
function pickOption(options: unknown, allow: boolean): string | undefined {
  const list = Array.isArray(options) ? options.filter(isRecord) : [];
  const order = allow ? ['allow_once', 'allow_always'] : ['reject_once', 'reject_always'];
  for (const kind of order) {
    const o = list.find((x) => x.kind === kind && typeof x.optionId === 'string');
    if (o) return o.optionId as string;
  }
  return undefined;
}

/** What serving the agent's requests needs from the session. */
export interface ClientRequestsContext {
  ctx: SessionContext;
  opts: AcpOptions;
  /** The session's update translator: names and kinds of calls, and which were asked about or denied. */
  translator: UpdateTranslator;
  terminals: Terminals;
  /** Paths written through `fs/write_text_file` (their `file.changed` is out already). */
  written: Set<string>;
}

/**
 * The client side of ACP: the agent's requests (`session/request_permission`, `fs/*`,
 * `terminal/*`) answered at once by policy. Contract: every answer or refusal is an event; a refused
 * or unknown request gets a JSON-RPC error, never silence.
 */
export function clientRequests({
  ctx,
  opts,
  translator: tr,
  terminals,
  written,
}: ClientRequestsContext): (method: string, params: unknown) => Promise<unknown> {
  const { request } = ctx;
  const mode = request.permissionMode;
  const emitAll = (drafts: ReturnType<UpdateTranslator['startPending']>): void => drafts.forEach((d) => ctx.emit(d));

  const refuse = (what: string, why: string): never => {
    ctx.emit({ type: 'warning', code: 'client-request-refused', message: `refused the agent's ${what}: ${why}` });
    throw new RequestError(REFUSED, why);
  };

  const onPermission = (params: unknown): unknown => {
    const p = isRecord(params) ? params : {};
    const call = isRecord(p.toolCall) ? p.toolCall : {};
    const callId = str(call.toolCallId) ?? '';
    if (ctx.stop.aborted) return { outcome: { outcome: 'cancelled' } };
    // a call announced but waiting for its input is started now: its permission event follows its start
    emitAll(tr.startPending());
    const name = tr.nameOf(callId) ?? toolName(call);
    const kind = effectiveKind(str(call.kind) ?? tr.kindOf(callId), name);
    const names = [name, ...(str(call.title) && str(call.title) !== name ? [str(call.title)!] : [])];
    const decision = decidePermission(mode, { kind, names }, opts, {
      ...(request.allowedTools ? { allow: request.allowedTools } : {}),
      ...(request.disallowedTools ? { deny: request.disallowedTools } : {}),
    });
    const optionId = pickOption(p.options, decision.allow);
    tr.asked.add(callId);
    if (!decision.allow) tr.denied.add(callId);
    const raw = {
      permission: {
        callId,
        tool: name,
        kind,
        decision: decision.allow ? 'allow' : 'reject',
        because: decision.because,
        mode: mode ?? 'default',
        ...(optionId ? { optionId } : {}),
      },
    };
    const verb = decision.allow ? 'allowed' : 'rejected';
    const text = `${verb} ${names.join(': ')} (${kind}): ${decision.because}${optionId ? '' : '; the agent offered no such option, answered cancelled'}`;
    if (decision.allow) ctx.emit({ type: 'status', code: 'permission', message: text, raw });
    else ctx.emit({ type: 'warning', code: 'permission-denied', message: text, raw });
    return { outcome: optionId ? { outcome: 'selected', optionId } : { outcome: 'cancelled' } };
  };

  const onRequest = async (method: string, params: unknown): Promise<unknown> => {
    try {
      switch (method) {
        case 'session/request_permission':
          return onPermission(params);
        case 'fs/read_text_file':
          if (!opts.fs) return refuse(method, 'omnigent does not serve files for this agent (option fs: false)');
          return await readTextFile(ctx.cwd, params);
        case 'fs/write_text_file': {
          if (!opts.fs) return refuse(method, 'omnigent does not serve files for this agent (option fs: false)');
          if (!writeAllowed(mode)) return refuse(method, 'the run is read-only (--permission-mode read-only)');
          const w = await writeTextFile(ctx.cwd, params);
          written.add(w.path);
          ctx.emit({ type: 'file.changed', path: w.path, change: w.existed ? 'update' : 'add' });
          return {};
        }
        case 'terminal/create': {
          if (!opts.terminal)
            return refuse(method, 'omnigent does not run commands for this agent (option terminal: false)');
          if (mode === 'read-only') return refuse(method, 'the run is read-only (--permission-mode read-only)');
          const t = terminals.create(params);
          ctx.emit({ type: 'status', code: 'terminal', message: `terminal ${t.terminalId}: ${t.command}` });
          return { terminalId: t.terminalId };
        }
        case 'terminal/output':
          return terminals.output(params);
        case 'terminal/wait_for_exit':
          return await terminals.waitForExit(params);
        case 'terminal/kill':
          return terminals.kill(params);
        case 'terminal/release':
          return terminals.release(params);
        default:
          ctx.emit({
            type: 'warning',
            code: 'client-request-refused',
            message: `the agent called ${method}, which omnigent does not serve`,
          });
          throw RequestError.methodNotFound(method);
      }
    } catch (error) {
      if (error instanceof Refusal) return refuse(method, error.message);
      throw error;
    }
  };

  return onRequest;
}
