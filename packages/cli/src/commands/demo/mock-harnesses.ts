import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OmnigentConfig } from '../../config.js';

/** Where the harness CLIs send their model requests: the three local mock APIs. */
export interface MockModelUrls {
  /** Anthropic Messages (Claude Code). */
  anthropic: string;
  /** OpenAI Responses (Codex). */
  responses: string;
  /** OpenAI Chat Completions (Pi). */
  chat: string;
}

/** One model Pi may ask its mock provider for, with the price Pi reports cost from (USD per million tokens). */
export interface MockPiModel {
  id: string;
  name: string;
  cost: { input: number; output: number; cacheRead: number; cacheWrite: number };
}

/**
 * Point the real Claude Code, Codex and Pi at local mock model servers: a scratch HOME per harness
 * under `dir` (no user config, login or API key is read or written), Pi's `models.json` with
 * `piModels`, and the omnigent harness config (env, args, binaries) that uses them.
 * Contract: writes only under `dir`; `bins` entries override each harness's binary.
 */
export async function mockHarnessConfig(
  dir: string,
  urls: MockModelUrls,
  piModels: MockPiModel[],
  bins: Record<string, string | undefined> = {},
): Promise<NonNullable<OmnigentConfig['harnesses']>> {
  const homes = { claude: join(dir, 'home-claude'), codex: join(dir, 'home-codex'), pi: join(dir, 'home-pi') };
  for (const h of Object.values(homes)) await mkdir(h, { recursive: true });
  const codexHome = join(homes.codex, '.codex');
  const piAgent = join(homes.pi, '.pi', 'agent');
  await mkdir(codexHome, { recursive: true });
  await mkdir(piAgent, { recursive: true });
  await writeFile(
    join(piAgent, 'models.json'),
    JSON.stringify({
      providers: {
        mock: {
          baseUrl: urls.chat,
          api: 'openai-completions',
          apiKey: 'MOCK_API_KEY',
          compat: { supportsDeveloperRole: false, supportsReasoningEffort: false },
          models: piModels.map((m) => ({ ...m, contextWindow: 32000, maxTokens: 4096 })),
        },
      },
    }),
  );
  // fail fast instead of retrying against a mock that answered wrong
  await writeFile(join(piAgent, 'settings.json'), JSON.stringify({ retry: { enabled: false } }));

  const binOf = (h: string): { bin?: string } => (bins[h] ? { bin: bins[h] } : {});
  const provider = `{name="Scripted mock",base_url="${urls.responses}",wire_api="responses",env_key="MOCK_API_KEY",request_max_retries=0,stream_max_retries=0}`;
  return {
    'claude-code': {
      ...binOf('claude-code'),
      env: {
        HOME: homes.claude,
        ANTHROPIC_BASE_URL: urls.anthropic,
        ANTHROPIC_API_KEY: 'sk-mock-not-a-real-key',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_ERROR_REPORTING: '1',
      },
    },
    codex: {
      ...binOf('codex'),
      env: { HOME: homes.codex, CODEX_HOME: codexHome, MOCK_API_KEY: 'sk-mock-not-a-real-key' },
      args: [
        '-c',
        `model_providers.mock=${provider}`,
        '-c',
        'model_provider="mock"',
        '-c',
        'check_for_update_on_startup=false',
      ],
    },
    pi: {
      ...binOf('pi'),
      env: { HOME: homes.pi, PI_CODING_AGENT_DIR: piAgent, PI_OFFLINE: '1', MOCK_API_KEY: 'sk-mock-not-a-real-key' },
      args: ['--provider', 'mock'],
    },
  };
}
