import type { NonTerminalDraft, TranslateContext } from '@omnigent/core';
import { isEchoRecord } from './records.js';
import type { EchoState } from './state.js';

/**
 * One parsed stdout line of `omnigent-echo` -> normalized events. Contract: pure apart from `state`;
 * an unknown record becomes a `warning` (code `unknown-record`) so nothing the harness prints is lost.
 * Terminal events are not emitted here: `finishEcho` decides the outcome once the process has exited.
 */
export function translateEcho(record: unknown, state: EchoState, _ctx: TranslateContext): NonTerminalDraft[] {
  if (!isEchoRecord(record)) {
    return [
      {
        type: 'warning',
        code: 'unknown-record',
        message: 'omnigent-echo printed a line that is not a record',
        raw: record,
      },
    ];
  }
  switch (record.type) {
    case 'start':
      return [
        {
          type: 'session.started',
          sessionId: record.session,
          cwd: record.cwd,
          model: record.model,
          harnessVersion: record.version,
          provider: 'echo',
        },
      ];
    case 'tool':
      return [
        {
          type: 'tool.started',
          callId: record.id,
          name: record.name,
          kind: record.name === 'list_files' ? 'read' : 'other',
          input: record.input,
        },
      ];
    case 'tool_result':
      // the runner fills durationMs from tool.started when a harness gives none; echo reports its own
      return [
        {
          type: 'tool.completed',
          callId: record.id,
          name: 'list_files',
          output: record.output,
          isError: !record.ok,
          status: record.ok ? 'ok' : 'error',
          ...(record.ms !== undefined ? { durationMs: record.ms } : {}),
        },
      ];
    case 'text':
      state.answer = record.text;
      return [{ type: 'message', role: 'assistant', text: record.text, model: 'echo-1' }];
    case 'usage':
      state.usage = { input: record.input, output: record.output };
      return [
        {
          type: 'usage',
          scope: 'run',
          input: record.input,
          output: record.output,
          source: 'stream',
          confidence: 'exact',
        },
      ];
    case 'error':
      state.error = record.message;
      return [];
    case 'done':
      state.turns = record.turns;
      return [];
    default:
      return [
        {
          type: 'warning',
          code: 'unknown-record',
          message: `omnigent-echo printed an unknown record type: ${(record as { type: string }).type}`,
          raw: record,
        },
      ];
  }
}
