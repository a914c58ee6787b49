import { createRequire } from 'node:module';
import { defineHarness } from '@omnigent/core';
import { finishEcho } from './finish.js';
import { createEchoState, type EchoState } from './state.js';
import { translateEcho } from './translate.js';

const pkg = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/** Options from `omnigent.config.*` (`plugins: [["omnigent-plugin-echo", { session: "fixed" }]]`). */
export interface EchoOptions {
  /** Use this session id instead of a random one. */
  session?: string;
}

/** `omnigent-echo` as an omnigent harness: `omnigent run -H echo "hello"`. */
export const echoHarness = defineHarness<EchoState>({
  name: 'echo',
  displayName: 'Echo (example plugin)',
  meta: { version: pkg.version, packageName: pkg.name },
  capabilities: { tokenUsage: 'per-run' },
  // the binary ships in this very package: found next to the plugin even when it is not on PATH
  binary: {
    names: ['omnigent-echo'],
    npmPackage: pkg.name,
    npmBin: 'omnigent-echo',
    install: `npm install -g ${pkg.name}`,
  },
  provider: 'echo',
  doctorHint: 'omnigent-echo needs no model and no key; it ships in omnigent-plugin-echo.',
  credentialEnv: [],
  command: (request) => {
    const options = (request.options ?? {}) as EchoOptions;
    const session = request.sessionId ?? options.session;
    return {
      args: [
        ...(request.model ? ['--model', request.model] : []),
        ...(session ? ['--session', session] : []),
        ...(request.extraArgs ?? []),
      ],
      // the prompt goes on stdin: no argv length limit, no shell quoting
      stdin: request.prompt,
      // echo has no permission system, turn limit or system prompt: say so instead of ignoring them
      warnings: [
        ...(request.permissionMode && request.permissionMode !== 'default'
          ? [`echo has no permission modes; "${request.permissionMode}" was not applied`]
          : []),
        ...(request.maxTurns !== undefined ? ['echo always takes one turn; --max-turns was not applied'] : []),
        ...(request.systemPrompt !== undefined ? ['echo has no system prompt; --system-prompt was not applied'] : []),
      ],
    };
  },
  createState: createEchoState,
  translate: translateEcho,
  finish: finishEcho,
});
