#!/usr/bin/env node
// omnigent-echo: a tiny coding-agent CLI for the example plugin. It needs no model and no network:
// it reads the prompt on stdin, "looks at" the working directory with one tool call (a real directory
// listing), answers by echoing the prompt, and prints everything as JSON lines on stdout, the way real
// harness CLIs (claude -p --output-format stream-json, codex exec --json, pi --mode json) do.
//
//   omnigent-echo [--model <id>] [--session <id>] < prompt      JSON lines on stdout
//   omnigent-echo --version                                      version on stdout
//
// A prompt containing the word "fail" makes it report an error and exit 2, like a CLI whose model call failed.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

// the CLI ships in the plugin package: one version for both
const { version: VERSION } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const argv = process.argv.slice(2);
if (argv.includes('--version')) {
  process.stdout.write(`omnigent-echo ${VERSION}\n`);
  process.exit(0);
}
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const model = option('--model') ?? 'echo-1';
const session = option('--session') ?? randomUUID();
const prompt = readFileSync(0, 'utf8').trim();
const emit = (record) => process.stdout.write(`${JSON.stringify(record)}\n`);
const words = (text) => (text.match(/\S+/g) ?? []).length;

emit({ type: 'start', session, model, cwd: process.cwd(), version: VERSION });
if (!prompt) {
  process.stderr.write('omnigent-echo: no prompt on stdin\n');
  process.exit(2);
}
const started = Date.now();
emit({ type: 'tool', id: 'call-1', name: 'list_files', input: { path: '.' } });
let entries;
try {
  entries = readdirSync('.').sort();
  emit({
    type: 'tool_result',
    id: 'call-1',
    ok: true,
    output: entries.slice(0, 20).join('\n'),
    ms: Date.now() - started,
  });
} catch (error) {
  emit({ type: 'tool_result', id: 'call-1', ok: false, output: String(error), ms: Date.now() - started });
  entries = [];
}
if (/\bfail\b/i.test(prompt)) {
  emit({ type: 'error', message: 'echo was asked to fail' });
  process.stderr.write('omnigent-echo: echo was asked to fail\n');
  process.exit(2);
}
const answer = `You said: ${prompt} (${entries.length} entries in ${process.cwd()})`;
emit({ type: 'text', text: answer });
emit({ type: 'usage', input: words(prompt), output: words(answer) });
emit({ type: 'done', turns: 1 });
