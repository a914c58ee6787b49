import { readFileSync, statSync } from 'node:fs';
import type { HarnessHistory, LoadedPlugin } from '@omnigent/core';
import type { ImportArgs } from './import.js';

/** What one harness's import did. */
export interface HarnessImport {
  harness: string;
  /** Session files in its default location (after `--since` by modification time). */
  files: number;
  imported: number;
  /** Sessions whose run is in the store already (imported before). */
  already: number;
  /** Sessions started before `--since`. */
  older: number;
  /** Files that held no session, or could not be read or parsed. */
  unreadable: number;
  toolCalls: number;
  /** Input + output tokens of the new sessions. */
  tokens: number;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The plugins to import from: those named by `--harness` (each must read history), else every installed one that does. */
async function historyPlugins(argv: ImportArgs): Promise<Array<{ loaded: LoadedPlugin; history: HarnessHistory }>> {
  const { UsageError } = await import('@omnigent/core');
  const { loadConfig } = await import('../config.js');
  const { loadAllPlugins, loadHarnessPlugin } = await import('../plugins.js');
  const config = await loadConfig(process.cwd(), argv.config);
  const names = argv.harness
    ?.flatMap((h) => h.split(','))
    .map((h) => h.trim())
    .filter(Boolean);
  if (names?.length) {
    const out: Array<{ loaded: LoadedPlugin; history: HarnessHistory }> = [];
    for (const name of names) {
      const loaded = await loadHarnessPlugin(name, config, process.cwd());
      if (!loaded.plugin.history)
        throw new UsageError(
          `${name} cannot import its history: its plugin does not read session files.`,
          'Claude Code, Codex and Pi can: omnigent import -H claude-code,codex,pi',
        );
      out.push({ loaded, history: loaded.plugin.history });
    }
    return out;
  }
  const found = await loadAllPlugins(config, process.cwd());
  const out = found.plugins
    .filter((p) => p.plugin.history)
    .map((loaded) => ({ loaded, history: loaded.plugin.history! }));
  if (!out.length)
    throw new UsageError(
      'No installed plugin can import history.',
      'Install one: npm install -g @omnigent/plugin-claude-code (or plugin-codex, plugin-pi).',
    );
  return out;
}

/** The store directory and its redaction, as a live run would write (OMNIGENT_STORE, config `store`). */
async function storeFor(
  argv: ImportArgs,
  credentialEnv: string[],
): Promise<{ store: import('@omnigent/store').RunStore; redact?: <T>(v: T) => T }> {
  const { openStore, resolveStoreDir } = await import('@omnigent/store');
  const { loadConfig } = await import('../config.js');
  const { storeRedacts } = await import('../sinks/store.js');
  const config = await loadConfig(process.cwd(), argv.config);
  const settings = config.config.store;
  const dir = resolveStoreDir({
    env: process.env,
    ...(settings?.path ? { configPath: settings.path } : {}),
    configDir: config.dir,
  });
  if (!storeRedacts(process.env, settings?.redact)) return { store: openStore(dir) };
  const { createRedactor } = await import('@omnigent/core');
  const redactor = createRedactor({ env: process.env, secretEnvNames: credentialEnv });
  return { store: openStore(dir), redact: <T>(value: T): T => redactor.value(value) as T };
}

/**
 * `omnigent import`: each harness's session files -> runs in the store, skipping sessions already
 * there (the run id is derived from harness and session id). Progress on stderr when it is a
 * terminal. Returns the ids of the runs imported.
 */
export async function importMain(argv: ImportArgs, writeOut: (text: string) => Promise<void>): Promise<string[]> {
  const s = await import('@omnigent/store');
  const since = argv.since ? s.parseSince(argv.since) : undefined;
  const plugins = await historyPlugins(argv);
  const { store, redact } = await storeFor(argv, [
    ...new Set(plugins.flatMap((p) => p.loaded.plugin.credentialEnv ?? [])),
  ]);
  const known = new Set(store.all().map((r) => r.id));
  const tty = process.stderr.isTTY === true;
  const results: HarnessImport[] = [];
  const ids: string[] = [];
  for (const { loaded, history } of plugins) {
    const harness = loaded.plugin.name;
    const r: HarnessImport = {
      harness,
      files: 0,
      imported: 0,
      already: 0,
      older: 0,
      unreadable: 0,
      toolCalls: 0,
      tokens: 0,
    };
    let files = await history.sessionFiles(process.env);
    // a file last written before --since holds nothing newer: skip it unread
    if (since)
      files = files.filter((f) => {
        try {
          return statSync(f).mtimeMs >= since.getTime();
        } catch {
          return false;
        }
      });
    r.files = files.length;
    files.forEach((file, i) => {
      if (tty) process.stderr.write(`\r\x1b[2Kimporting ${harness}: ${i + 1}/${files.length} sessions`);
      let session: ReturnType<HarnessHistory['parse']>;
      try {
        session = history.parse({
          path: file,
          text: readFileSync(file, 'utf8'),
          readFile: (p) => {
            try {
              return readFileSync(p, 'utf8');
            } catch {
              return undefined;
            }
          },
        });
      } catch {
        session = undefined;
      }
      if (!session) {
        r.unreadable += 1;
        return;
      }
      if (since && Date.parse(session.startedAt) < since.getTime()) {
        r.older += 1;
        return;
      }
      const id = s.importedRunId(harness, session.sessionId);
      if (known.has(id)) {
        r.already += 1;
        return;
      }
      known.add(id);
      const terminal = session.events[session.events.length - 1];
      const usage =
        terminal && (terminal.type === 'run.completed' || terminal.type === 'run.failed') ? terminal.usage : undefined;
      r.tokens += (usage?.input ?? 0) + (usage?.output ?? 0);
      r.toolCalls += session.events.filter((e) => e.type === 'tool.completed').length;
      r.imported += 1;
      if (argv['dry-run']) return;
      s.importSession(store, session, {
        harness,
        ...(loaded.version ? { pluginVersion: loaded.version } : {}),
        ...(loaded.plugin.provider ? { provider: loaded.plugin.provider } : {}),
        ...(redact ? { redact } : {}),
      });
      ids.push(id);
    });
    if (tty) process.stderr.write('\r\x1b[2K');
    results.push(r);
  }
  if (argv.json) {
    await writeOut(
      `${JSON.stringify({ dryRun: argv['dry-run'] === true, store: store.dir, harnesses: results, runIds: ids }, null, 2)}\n`,
    );
  } else {
    const verb = argv['dry-run'] ? 'would import' : 'imported';
    const lines = results.map(
      (r) =>
        `${r.harness}: ${plural(r.files, 'session file')}, ${verb} ${r.imported} (${plural(r.toolCalls, 'tool call')}, ${s.formatInt(r.tokens)} tokens), ${r.already} already in the store${r.older ? `, ${r.older} older than --since` : ''}${r.unreadable ? `, ${r.unreadable} unreadable` : ''}`,
    );
    await writeOut(
      s.terminalSafe(`${lines.join('\n')}\n${argv['dry-run'] ? 'dry run: nothing written' : `store: ${store.dir}`}\n`),
    );
  }
  return ids;
}
