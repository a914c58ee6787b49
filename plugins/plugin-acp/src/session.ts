import { client, ndJsonStream, PROTOCOL_VERSION, RequestError } from '@agentclientprotocol/sdk';
import type {
  NonTerminalDraft,
  SessionContext,
  TerminalDraft,
  TokenUsage,
  UsageConfidence,
  UsageSource,
} from '@omnigent/core';
import { isRecord, str } from '@omnigent/core/kit';
import { Refusal } from './client-fs.js';
import { clientRequests } from './client-requests.js';
import { Terminals } from './client-terminal.js';
import { acpMcpServers } from './mcp.js';
import { acpOptions } from './options.js';
import { StdoutMonitor } from './stdout-monitor.js';
import { promptUsage, UpdateTranslator } from './updates.js';
import { VERSION } from './version.js';

/** ACP's "authentication required" error code. */
const AUTH_REQUIRED = -32000;

function message(error: unknown): string {
  if (error instanceof RequestError) {
    const data = isRecord(error.data)
      ? (str(error.data.details) ?? str(error.data.message))
      : typeof error.data === 'string'
        ? error.data
        : undefined;
    return data && !error.message.includes(data) ? `${error.message}: ${data}` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * One ACP conversation: initialize, session/new (or session/load to resume), one session/prompt,
 * with the agent's requests answered by policy. Contract: resolves with the run's terminal draft;
 * throws when the agent breaks off the conversation (the runner then reports its exit).
 */
export async function runAcpSession(ctx: SessionContext, harness: string): Promise<TerminalDraft> {
  const { request } = ctx;
  const opts = acpOptions(request.options);
  const mode = request.permissionMode;
  const tr = new UpdateTranslator();
  const terminals = new Terminals(ctx.cwd, ctx.env);
  const emitAll = (drafts: NonTerminalDraft[]): void => drafts.forEach((d) => ctx.emit(d));
  let replaying = false;
  let replayed = 0;
  /** Paths written through fs/write_text_file: their file.changed is already out. */
  const written = new Set<string>();

  const onRequest = clientRequests({ ctx, opts, translator: tr, terminals, written });

  const onUpdate = (params: unknown): void => {
    if (replaying) {
      replayed += 1;
      return;
    }
    const update = isRecord(params) ? params.update : undefined;
    const drafts = tr.translate(update);
    for (const d of drafts) {
      if (d.type === 'file.changed' && written.has(d.path)) {
        written.delete(d.path);
        continue;
      }
      ctx.emit(d);
    }
  };

  const app = client({ name: 'omnigent' })
    .onNotification('*', ({ method, params }) => {
      if (method === 'session/update') onUpdate(params);
      else ctx.emit({ type: 'status', code: 'acp-notification', message: `the agent sent ${method}`, raw: params });
    })
    .onRequest('*', ({ method, params }) => onRequest(method, params));
  const monitor = new StdoutMonitor(ctx.emit);
  const conn = app.connect(ndJsonStream(ctx.channel.writable, monitor.watch(ctx.channel.readable)));
  /** What the agent printed instead of ACP, for messages about an agent that never spoke it. */
  const printed = (): string =>
    monitor.sample
      ? ` (it printed "${monitor.sample.slice(0, 200)}": is it an ACP agent, started in its ACP mode?)`
      : '';
  const agent = conn.agent;

  let sessionId: string | undefined;
  const onStop = (): void => {
    if (sessionId) void agent.notify('session/cancel', { sessionId }).catch(() => undefined);
  };
  ctx.stop.addEventListener('abort', onStop, { once: true });

  try {
    const startSecs = opts.startTimeout ?? 120;
    let timer: NodeJS.Timeout | undefined;
    const init = await Promise.race([
      agent.request('initialize', {
        protocolVersion: PROTOCOL_VERSION,
        clientCapabilities: {
          fs: { readTextFile: opts.fs !== false, writeTextFile: opts.fs !== false },
          terminal: opts.terminal !== false,
        },
        clientInfo: { name: 'omnigent', version: VERSION },
      }),
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), startSecs * 1000))),
    ]).finally(() => clearTimeout(timer));
    if (!init) {
      return {
        type: 'run.failed',
        reason: 'error',
        message: `${harness} did not answer the ACP initialize request within ${startSecs}s${printed() || ': is it an ACP agent, started in its ACP mode (e.g. gemini --experimental-acp)?'} (options.startTimeout raises the limit)`,
      };
    }
    const caps = isRecord(init.agentCapabilities) ? init.agentCapabilities : {};
    const mcpCaps = isRecord(caps.mcpCapabilities) ? caps.mcpCapabilities : {};
    const sessionCaps = isRecord(caps.sessionCapabilities) ? caps.sessionCapabilities : {};
    const mcp = acpMcpServers(request.mcpServers, mcpCaps.http === true);
    for (const s of mcp.skipped) ctx.emit({ type: 'warning', code: 'unsupported-option', message: `MCP server ${s}` });

    let model: string | undefined;
    let modes: unknown;
    const setup = async (): Promise<Record<string, unknown>> => {
      if (!request.resume) {
        const res = await agent.request('session/new', { cwd: ctx.cwd, mcpServers: mcp.servers as never });
        return res as unknown as Record<string, unknown>;
      }
      const params = { sessionId: request.resume, cwd: ctx.cwd, mcpServers: mcp.servers as never };
      replaying = true;
      try {
        if (caps.loadSession === true)
          return {
            sessionId: request.resume,
            ...((await agent.request('session/load', params)) as unknown as Record<string, unknown>),
          };
        if (isRecord(sessionCaps.resume))
          return {
            sessionId: request.resume,
            ...((await agent.request('session/resume', params as never)) as unknown as Record<string, unknown>),
          };
      } finally {
        replaying = false;
      }
      throw new Refusal(
        `${harness} cannot resume a session: the agent advertises neither loadSession nor sessionCapabilities.resume`,
      );
    };
    let created: Record<string, unknown>;
    try {
      created = await setup();
    } catch (error) {
      if (error instanceof Refusal) return { type: 'run.failed', reason: 'error', message: error.message };
      if (
        error instanceof RequestError &&
        error.code === AUTH_REQUIRED &&
        Array.isArray(init.authMethods) &&
        init.authMethods.length
      ) {
        const names = init.authMethods
          .map((m) => (isRecord(m) ? (str(m.name) ?? str(m.id)) : undefined))
          .filter(Boolean);
        return {
          type: 'run.failed',
          reason: 'error',
          message: `${harness} needs authentication before it can start a session (${names.join(', ')}): ${message(error)}. Log in with the agent's own CLI, or set its API key in the environment.`,
        };
      }
      return {
        type: 'run.failed',
        reason: 'error',
        message: `${harness} could not ${request.resume ? `resume session ${request.resume}` : 'start a session'}: ${message(error)}`,
      };
    }
    sessionId = str(created.sessionId);
    if (!sessionId)
      return { type: 'run.failed', reason: 'error', message: `${harness} answered session/new without a sessionId` };
    const models = isRecord(created.models) ? created.models : undefined;
    model = models ? str(models.currentModelId) : undefined;
    modes = created.modes;

    if (request.model && request.model !== model) {
      const available =
        models && Array.isArray(models.availableModels)
          ? models.availableModels.filter(isRecord).map((m) => str(m.modelId))
          : [];
      if (models) {
        try {
          await agent.request('session/set_model', { sessionId, modelId: request.model });
          model = request.model;
        } catch (error) {
          ctx.emit({
            type: 'warning',
            code: 'unsupported-option',
            message: `${harness} did not switch to model ${request.model}: ${message(error)}${available.length ? ` (it offers ${available.join(', ')})` : ''}`,
          });
        }
      } else {
        ctx.emit({
          type: 'warning',
          code: 'unsupported-option',
          message: `${harness} offers no model choice over ACP; --model ${request.model} was not applied`,
        });
      }
    }

    const wantedMode = opts.modes?.[mode ?? 'default'];
    if (wantedMode) {
      try {
        await agent.request('session/set_mode', { sessionId, modeId: wantedMode });
        modes = isRecord(modes) ? { ...modes, currentModeId: wantedMode } : modes;
      } catch (error) {
        ctx.emit({
          type: 'warning',
          code: 'unsupported-option',
          message: `${harness} did not switch to its mode "${wantedMode}" (options.modes for --permission-mode ${mode ?? 'default'}): ${message(error)}`,
        });
      }
    }

    const agentInfo = isRecord(init.agentInfo) ? init.agentInfo : undefined;
    ctx.emit({
      type: 'session.started',
      sessionId,
      cwd: ctx.cwd,
      ...(model ? { model } : {}),
      ...(request.model && request.model !== model ? { requestedModel: request.model } : {}),
      ...(agentInfo && str(agentInfo.version) ? { harnessVersion: str(agentInfo.version)! } : {}),
      details: {
        protocol: 'acp',
        protocolVersion: init.protocolVersion,
        ...(agentInfo
          ? {
              agent: {
                name: agentInfo.name,
                ...(agentInfo.title ? { title: agentInfo.title } : {}),
                version: agentInfo.version,
              },
            }
          : {}),
        capabilities: caps,
        ...(Array.isArray(init.authMethods) && init.authMethods.length
          ? { authMethods: init.authMethods.map((m) => (isRecord(m) ? m.id : m)) }
          : {}),
        ...(modes !== undefined ? { modes } : {}),
        permissionMode: mode ?? 'default',
        ...(request.resume ? { resumed: true, replayedUpdates: replayed } : {}),
      },
    });
    if (ctx.stop.aborted) return { type: 'run.failed', reason: 'aborted', message: 'the run was interrupted' };

    ctx.emit({ type: 'turn.started', turn: 1 });
    const response = await agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: request.prompt }],
    });
    // updates sent before the response may still sit in the dispatch queue: let them through first
    await new Promise((r) => setImmediate(r));
    emitAll(tr.endTurn());

    const tokens = promptUsage((response as { usage?: unknown }).usage);
    const cost =
      tr.cost && tr.cost.currency.toUpperCase() === 'USD'
        ? { costUsd: tr.cost.amount, costSource: 'harness-estimate' as const }
        : {};
    let usage: (TokenUsage & { source: UsageSource; confidence: UsageConfidence }) | undefined;
    if (tokens) usage = { ...tokens, ...cost, source: 'result', confidence: 'exact' };
    else if ('costUsd' in cost) usage = { ...cost, source: 'stream', confidence: 'partial' };
    if (tr.cost && !('costUsd' in cost))
      ctx.emit({
        type: 'status',
        code: 'cost',
        message: `the agent reported a cost of ${tr.cost.amount} ${tr.cost.currency} (not USD: not counted)`,
      });
    if (usage) ctx.emit({ type: 'usage', scope: 'turn', ...usage, ...(model ? { model } : {}) });
    ctx.emit({ type: 'turn.completed', turn: 1, ...(usage ? { usage: { ...tokens, ...cost } } : {}) });
    if (mode === 'read-only' && tr.unasked.length) {
      ctx.emit({
        type: 'warning',
        code: 'permission-not-enforced',
        message: `${harness} ran ${tr.unasked.join(', ')} without asking for permission: the agent does not ask, so --permission-mode read-only could not stop it`,
      });
    }

    const stopReason = String(response.stopReason);
    const common = { turns: 1, ...(usage ? { usage } : {}) };
    switch (stopReason) {
      case 'end_turn':
        return {
          type: 'run.completed',
          ...common,
          ...(tr.lastMessage !== undefined ? { result: tr.lastMessage } : {}),
        };
      case 'max_tokens':
        ctx.emit({
          type: 'warning',
          code: 'max-output-tokens',
          message: `${harness} stopped at the model's output token limit (stopReason max_tokens)`,
        });
        return {
          type: 'run.completed',
          ...common,
          ...(tr.lastMessage !== undefined ? { result: tr.lastMessage } : {}),
        };
      case 'max_turn_requests':
        return {
          type: 'run.failed',
          reason: 'error',
          message: `${harness} stopped: the turn reached its limit of model requests (stopReason max_turn_requests)`,
          ...common,
        };
      case 'refusal':
        return {
          type: 'run.failed',
          reason: 'error',
          message: `${harness} refused to continue (stopReason refusal)`,
          ...common,
        };
      case 'cancelled':
        return ctx.stop.aborted
          ? { type: 'run.failed', reason: 'aborted', message: 'the run was interrupted', ...common }
          : {
              type: 'run.failed',
              reason: 'error',
              message: `${harness} cancelled the turn on its own (stopReason cancelled)`,
              ...common,
            };
      default:
        return {
          type: 'run.failed',
          reason: 'error',
          message: `${harness} ended the turn with an unknown stopReason "${stopReason}"`,
          ...common,
        };
    }
  } catch (error) {
    if (ctx.stop.aborted) return { type: 'run.failed', reason: 'aborted', message: 'the run was interrupted' };
    throw new Error(`${harness}: the ACP conversation broke off: ${message(error)}${printed()}`);
  } finally {
    emitAll(monitor.summary());
    ctx.stop.removeEventListener('abort', onStop);
    terminals.dispose();
    conn.close();
  }
}
