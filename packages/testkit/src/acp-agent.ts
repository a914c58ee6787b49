import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { agent, ndJsonStream, PROTOCOL_VERSION, RequestError, type AgentContext } from '@agentclientprotocol/sdk';

/**
 * One step of a scripted ACP agent's prompt turn. The result of every client call is told back
 * as an `agent_message_chunk` (`<label>: <result>`), so a test sees what the client answered in
 * the run's own events.
 */
export type AcpAgentStep =
  /** Send this `session/update` `update` object as is. */
  | { update: Record<string, unknown> }
  /** Stream this text as agent message chunks (one per word). */
  | { say: string }
  /** Ask `session/request_permission` for a tool call; then the `allowed` or `rejected` steps run. */
  | {
      permission: {
        toolCallId: string;
        title: string;
        kind: string;
        options?: Array<{ optionId: string; name: string; kind: string }>;
      };
      allowed?: AcpAgentStep[];
      rejected?: AcpAgentStep[];
    }
  /** `fs/read_text_file` of this absolute path. */
  | { readFile: string }
  /** `fs/write_text_file`. */
  | { writeFile: { path: string; content: string } }
  /** `terminal/create` with this shell command, wait for exit, read the output, release. */
  | { terminal: { command: string; args?: string[] } }
  /** Wait this long (a cancel ends the wait at once). */
  | { sleepMs: number }
  /** Wait until the client sends `session/cancel`, then end the turn `cancelled`. */
  | { waitForCancel: true }
  /** Write this to stderr and exit with this code, mid-turn. */
  | { crash: { code: number; stderr?: string } }
  /** Call a client method omnigent does not serve. */
  | { call: string }
  /** Tell back the `session/new` (or `session/load`) params the agent received, as JSON. */
  | { tellSession: true };

/** What a scripted ACP agent does. Every field is optional. */
export interface AcpAgentScript {
  agentInfo?: { name: string; version: string; title?: string };
  /** Advertise `loadSession` and replay `history` on `session/load`. Default: false. */
  loadSession?: boolean;
  /** Updates replayed on `session/load`. */
  history?: Array<Record<string, unknown>>;
  /** `session/new` fails with this JSON-RPC error. */
  newSessionError?: { code: number; message: string };
  authMethods?: Array<{ id: string; name: string }>;
  /** Offered models (`session/new` `models`); `session/set_model` accepts these ids. */
  models?: string[];
  /** Offered session modes (`session/new` `modes`, the first current); `session/set_mode` accepts these ids. */
  modes?: string[];
  /** The prompt turn. Default: say "hello". */
  steps?: AcpAgentStep[];
  /** Default: `end_turn` (a cancel makes it `cancelled`). */
  stopReason?: string;
  /** Per-turn usage in the prompt response (ACP's unstable `usage`). */
  usage?: Record<string, number>;
  /** Ignore `session/cancel` (a stubborn agent). Default: false. */
  ignoreCancel?: boolean;
  /** Keep running after stdin closes and ignore SIGTERM (a stubborn server). Default: false. */
  ignoreStdinEnd?: boolean;
}

/** Environment variable holding the script (JSON), or `@/path/to/script.json`. */
export const ACP_AGENT_SCRIPT_ENV = 'OMNIGENT_ACP_SCRIPT';

/** The environment that makes the testkit's ACP agent follow `script`. */
export function acpAgentEnv(script: AcpAgentScript): Record<string, string> {
  return { [ACP_AGENT_SCRIPT_ENV]: JSON.stringify(script) };
}

function loadScript(env: NodeJS.ProcessEnv): AcpAgentScript {
  const raw = env[ACP_AGENT_SCRIPT_ENV];
  if (!raw) return {};
  return JSON.parse(raw.startsWith('@') ? readFileSync(raw.slice(1), 'utf8') : raw) as AcpAgentScript;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A real ACP agent over stdio (built on the official SDK), scripted by {@link ACP_AGENT_SCRIPT_ENV}.
 * Contract: it exits when stdin closes (unless `ignoreStdinEnd`); `session/cancel` ends a waiting
 * step and the turn with `cancelled`.
 */
export function runAcpAgent(env: NodeJS.ProcessEnv = process.env): void {
  const script = loadScript(env);
  if (script.ignoreStdinEnd) process.on('SIGTERM', () => undefined);
  let cancelled = false;
  let wake: () => void = () => undefined;
  const cancelWait = (): Promise<void> => new Promise((r) => (wake = r));

  const tell = (cx: AgentContext, sessionId: string, text: string): Promise<void> =>
    cx.notify('session/update', {
      sessionId,
      update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text } },
    });

  const run = async (cx: AgentContext, sessionId: string, steps: AcpAgentStep[]): Promise<void> => {
    for (const step of steps) {
      if (cancelled) return;
      if ('update' in step) await cx.notify('session/update', { sessionId, update: step.update as never });
      else if ('say' in step) for (const w of step.say.split(/(?<= )/)) await tell(cx, sessionId, w);
      else if ('permission' in step) {
        const p = step.permission;
        const options = p.options ?? [
          { optionId: 'yes', name: 'Allow', kind: 'allow_once' },
          { optionId: 'always', name: 'Always allow', kind: 'allow_always' },
          { optionId: 'no', name: 'Reject', kind: 'reject_once' },
        ];
        const res = await cx.request('session/request_permission', {
          sessionId,
          toolCall: { toolCallId: p.toolCallId, title: p.title, kind: p.kind as never },
          options: options as never,
        });
        const outcome = res.outcome;
        const chosen =
          outcome.outcome === 'selected' ? options.find((o) => o.optionId === outcome.optionId) : undefined;
        await tell(cx, sessionId, `permission: ${outcome.outcome === 'selected' ? outcome.optionId : 'cancelled'}\n`);
        const allowed = chosen?.kind.startsWith('allow') === true;
        await run(cx, sessionId, (allowed ? step.allowed : step.rejected) ?? []);
      } else if ('readFile' in step) {
        try {
          const r = await cx.request('fs/read_text_file', { sessionId, path: step.readFile });
          await tell(cx, sessionId, `read: ${r.content}\n`);
        } catch (error) {
          await tell(cx, sessionId, `read refused: ${describe(error)}\n`);
        }
      } else if ('writeFile' in step) {
        try {
          await cx.request('fs/write_text_file', {
            sessionId,
            path: step.writeFile.path,
            content: step.writeFile.content,
          });
          await tell(cx, sessionId, 'write: ok\n');
        } catch (error) {
          await tell(cx, sessionId, `write refused: ${describe(error)}\n`);
        }
      } else if ('terminal' in step) {
        try {
          const t = await cx.request('terminal/create', {
            sessionId,
            command: step.terminal.command,
            ...(step.terminal.args ? { args: step.terminal.args } : {}),
          });
          const exit = await cx.request('terminal/wait_for_exit', { sessionId, terminalId: t.terminalId });
          const out = await cx.request('terminal/output', { sessionId, terminalId: t.terminalId });
          await cx.request('terminal/release', { sessionId, terminalId: t.terminalId });
          await tell(cx, sessionId, `terminal: exit ${exit.exitCode} output ${out.output.trim()}\n`);
        } catch (error) {
          await tell(cx, sessionId, `terminal refused: ${describe(error)}\n`);
        }
      } else if ('sleepMs' in step) {
        await Promise.race([new Promise((r) => setTimeout(r, step.sleepMs)), cancelWait()]);
      } else if ('waitForCancel' in step) {
        await cancelWait();
      } else if ('crash' in step) {
        if (step.crash.stderr) process.stderr.write(`${step.crash.stderr}\n`);
        process.exit(step.crash.code);
      } else if ('tellSession' in step) {
        await tell(cx, sessionId, `session: ${JSON.stringify(sessionParams)}\n`);
      } else if ('call' in step) {
        try {
          await cx.request(step.call, {});
          await tell(cx, sessionId, `${step.call}: answered\n`);
        } catch (error) {
          await tell(cx, sessionId, `${step.call} refused: ${describe(error)}\n`);
        }
      }
    }
  };

  let n = 0;
  let sessionParams: unknown;
  const app = agent({ name: 'omnigent-acp-agent' })
    .onRequest('initialize', () => ({
      protocolVersion: PROTOCOL_VERSION,
      agentCapabilities: { loadSession: script.loadSession === true, mcpCapabilities: { http: true } },
      agentInfo: script.agentInfo ?? { name: 'omnigent-acp-agent', version: '1.0.0' },
      authMethods: (script.authMethods ?? []) as never,
    }))
    .onRequest('session/new', ({ params }) => {
      if (script.newSessionError) throw new RequestError(script.newSessionError.code, script.newSessionError.message);
      sessionParams = params;
      return {
        sessionId: `scripted-${++n}`,
        ...(script.modes
          ? { modes: { currentModeId: script.modes[0], availableModes: script.modes.map((m) => ({ id: m, name: m })) } }
          : {}),
        ...(script.models
          ? {
              models: {
                currentModelId: script.models[0],
                availableModels: script.models.map((m) => ({ modelId: m, name: m })),
              },
            }
          : {}),
      } as never;
    })
    .onRequest('session/load', async ({ params, client: cx }) => {
      for (const update of script.history ?? [])
        await cx.notify('session/update', { sessionId: params.sessionId, update: update as never });
      return {};
    })
    .onRequest(
      'session/set_model',
      (p: unknown) => p as { modelId: string },
      ({ params }) => {
        if (!script.models?.includes(params.modelId)) throw new RequestError(-32602, `unknown model ${params.modelId}`);
        return {};
      },
    )
    .onRequest('session/set_mode', ({ params }) => {
      if (!script.modes?.includes(params.modeId)) throw new RequestError(-32602, `unknown mode ${params.modeId}`);
      return {};
    })
    .onRequest('session/prompt', async ({ params, client: cx }) => {
      cancelled = false;
      await run(cx, params.sessionId, script.steps ?? [{ say: 'hello' }]);
      return {
        stopReason: (cancelled ? 'cancelled' : (script.stopReason ?? 'end_turn')) as never,
        ...(script.usage ? { usage: script.usage } : {}),
      } as never;
    })
    .onNotification('session/cancel', () => {
      if (script.ignoreCancel) return;
      cancelled = true;
      wake();
    });
  const connection = app.connect(
    ndJsonStream(
      Writable.toWeb(process.stdout) as WritableStream<Uint8Array>,
      Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>,
    ),
  );
  void connection.closed.then(() => {
    if (script.ignoreStdinEnd) {
      setInterval(() => undefined, 1000);
      return;
    }
    process.exit(0);
  });
}

/**
 * The scripted agent as the conformance fixture of an ACP plugin (`describeSessionConformance`):
 * `bin` and the script for each behaviour.
 */
export function acpConformanceAgent(bin: string): {
  bin: string;
  behave: (b: 'complete' | 'hang' | 'crash' | 'stubborn') => { env: Record<string, string> };
} {
  const scripts: Record<'complete' | 'hang' | 'crash' | 'stubborn', AcpAgentScript> = {
    complete: {
      usage: { inputTokens: 10, outputTokens: 2, totalTokens: 12 },
      steps: [
        { say: 'Looking.' },
        {
          update: {
            sessionUpdate: 'tool_call',
            toolCallId: 'c1',
            title: 'Read a.txt',
            kind: 'read',
            status: 'in_progress',
            rawInput: { path: 'a.txt' },
          },
        },
        { update: { sessionUpdate: 'tool_call_update', toolCallId: 'c1', status: 'completed' } },
        { say: 'Done.' },
      ],
    },
    hang: { steps: [{ say: 'Working.' }, { waitForCancel: true }] },
    crash: { steps: [{ say: 'Working.' }, { crash: { code: 3, stderr: 'agent: simulated crash' } }] },
    stubborn: { ignoreCancel: true, ignoreStdinEnd: true, steps: [{ say: 'Working.' }, { sleepMs: 60_000 }] },
  };
  return { bin, behave: (b) => ({ env: acpAgentEnv(scripts[b]) }) };
}
