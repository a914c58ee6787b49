import { describe, expect, it } from 'vitest';
import { REDACTED, createRedactor } from '../src/index.js';
import { ev, exportedText, trace } from './helpers.js';

// Fake secrets in each well-known format (assembled so the file itself does not look like a leak).
const r = (n: number, chars = 'aB3dE5gH7jK9mN1pQ2sT4vW6xY8zC0fL'): string =>
  Array.from({ length: n }, (_, i) => chars[(i * 7 + n) % chars.length]).join('');
const PEM = [
  '-----BEGIN RSA PRIVATE ',
  'KEY-----\nMIIEowIBAAKCAQEA',
  r(40),
  '\n',
  r(40),
  '\n-----END RSA PRIVATE ',
  'KEY-----',
].join('');
const OPENSSH = [
  '-----BEGIN OPENSSH PRIVATE ',
  'KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA',
  r(50),
  '\n-----END OPENSSH PRIVATE ',
  'KEY-----',
].join('');

/** [name, secret, text containing it] — the secret must vanish, the text around it stays. */
const CORPUS: Array<[string, string, string]> = [
  ['anthropic key', `sk-ant-api03-${r(40)}-${r(20)}`, 'export ANTHROPIC_KEY_X=%s done'],
  ['openai project key', `sk-proj-${r(48)}`, 'using key %s now'],
  ['openai legacy key', `sk-${r(48)}`, 'curl -H "x: %s"'],
  ['openrouter key', `sk-or-v1-${r(64, '0123456789abcdef')}`, 'router %s'],
  ['github classic token', `ghp_${r(36)}`, 'git clone https://github.com/x/y # %s'],
  ['github fine-grained token', `github_pat_${r(22)}_${r(59)}`, 'GH %s'],
  ['github app token', `ghs_${r(36)}`, 'app %s'],
  ['gitlab token', `glpat-${r(20)}`, 'gitlab %s'],
  ['slack bot token', `xoxb-123456789012-1234567890123-${r(24)}`, 'slack %s'],
  ['slack webhook', `https://hooks.slack.com/services/T0000/B0000/${r(24)}`, 'post to %s please'],
  ['aws access key id', `AKIA${r(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`, 'aws id %s'],
  ['aws secret key', `wJalrXUtnFEMI/K7MDENG/${r(18)}`, 'aws_secret_access_key = %s'],
  ['jwt', `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${r(43)}`, 'token: %s'],
  ['bearer token', `${r(12)}.${r(20)}`, 'Authorization: Bearer %s'],
  ['basic auth', 'dXNlcjpwYXNzd29yZDEyMw==', 'Authorization: Basic %s'],
  ['rsa private key', PEM, 'key file:\n%s\nend'],
  ['openssh private key', OPENSSH, '%s'],
  ['postgres url password', 'S3cr3tPassw0rd', 'postgres://admin:%s@db.example.com:5432/app'],
  ['mongodb srv password', 'hunter2hunter2', 'mongodb+srv://user:%s@cluster0.example.net/db'],
  ['https url password', 'tok3nValue99', 'https://deploy:%s@git.example.com/repo.git'],
  ['connection string password', 'P@ssw0rd2024', 'Server=tcp:x;Database=y;User Id=z;Password=%s;'],
  [
    'azure account key',
    `${r(60)}==`,
    'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=%s;EndpointSuffix=core.windows.net',
  ],
  ['google api key', `AIza${r(35)}`, 'maps %s'],
  ['stripe live key', `sk_live_${r(24)}`, 'stripe %s'],
  ['npm token', `npm_${r(36)}`, '//registry.npmjs.org/:_authToken=%s'],
  ['hugging face token', `hf_${r(34)}`, 'hf %s'],
  ['sendgrid key', `SG.${r(22)}.${r(43)}`, 'mail %s'],
  ['password flag', 'hunter22secret', 'mysql --password hunter22secret'.replace('hunter22secret', '%s')],
  ['env-style secret', 'v3ryS3cretValue', 'DB_PASSWORD=%s'],
  ['json api_key field', 'abcdef123456ghij', '{"api_key": "%s"}'],
  [
    'user credential env var',
    'custom-credential-value-9f8e7d',
    'the service said custom-credential-value-9f8e7d'.replace('custom-credential-value-9f8e7d', '%s'),
  ],
  ['user password env var', 'plain-pass-value-xyz', 'pw is %s'],
  ['plugin credentialEnv var', 'login-secret-abc123', 'login %s'],
  // The usual place of a Telegram token: right after `bot` in the API URL (no word boundary there).
  ['telegram bot token in its API URL', `123456789:AA${r(33)}`, 'curl https://api.telegram.org/bot%s/getMe'],
];

const ENV = {
  MY_SERVICE_API_KEY: 'custom-credential-value-9f8e7d',
  DATABASE_PASSWORD: 'plain-pass-value-xyz',
  MYAPP_LOGIN: 'login-secret-abc123',
  HOME: '/root',
  PATH: '/usr/bin:/bin',
};

describe('redaction', () => {
  const redactor = createRedactor({ env: ENV, secretEnvNames: ['MYAPP_LOGIN'] });

  it(`covers at least 20 secret formats (${CORPUS.length})`, () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(20);
  });

  for (const [name, secret, template] of CORPUS) {
    it(`redacts ${name}`, () => {
      const text = template.replace('%s', secret);
      const out = redactor.text(text);
      expect(out).not.toContain(secret);
      expect(out).toContain(REDACTED);
    });
  }

  // Two patterns used to rescan a whole run of [a-z0-9.-] characters from every word boundary in
  // it: 200 KB of such text (a dotted or dashed blob in a tool output) took a minute, with the
  // CLI's event loop blocked. The limit below is a stall guard (>100x what linear work needs).
  it('redacts long dotted or dashed runs without stalling (no quadratic backtracking)', { timeout: 20_000 }, () => {
    const blobs = ['a.'.repeat(100_000), 'ab-'.repeat(70_000), `${'x1.y2-'.repeat(30_000)}://z`];
    for (const blob of blobs) expect(redactor.text(blob)).toBe(blob);
    const secret = `sk-ant-api03-${r(40)}`;
    expect(redactor.text(`${'a.'.repeat(50_000)} ANTHROPIC_TOKEN=${secret}`)).toBe(
      `${'a.'.repeat(50_000)} ANTHROPIC_TOKEN=${REDACTED}`,
    );
  });

  it('keeps labels readable and leaves ordinary text alone', () => {
    expect(redactor.text('Authorization: Bearer abcdefgh12345678')).toBe('Authorization: Bearer [REDACTED]');
    expect(redactor.text('postgres://admin:pw123456@db:5432/app')).toBe('postgres://admin:[REDACTED]@db:5432/app');
    const ordinary =
      'input_tokens: 1200, author: Jane, commit 3f786850e387550fdab836ed7e6dc881de23001b, ls -la /home/user, id 2ff46539-1c4e-4f3b-9a3e-5d1e2f3a4b5c, PATH=/usr/bin';
    expect(redactor.text(ordinary)).toBe(ordinary);
  });

  it('replaces values under secret-looking keys in structured tool input', () => {
    expect(
      redactor.value({
        headers: { Authorization: 'xyz-123', 'X-Trace': 'ok' },
        password: 'pw',
        count: 3,
        list: ['sk-' + r(30)],
      }),
    ).toEqual({
      headers: { Authorization: REDACTED, 'X-Trace': 'ok' },
      password: REDACTED,
      count: 3,
      list: [REDACTED],
    });
  });

  it('redacts the value under an "auth" key in structured input (docker config style)', () => {
    expect(
      redactor.value({ auths: { 'registry.example.com': { auth: 'dXNlcjpodW50ZXIyaHVudGVyMg==' } }, authors: 'Jane' }),
    ).toEqual({
      auths: { 'registry.example.com': { auth: REDACTED } },
      authors: 'Jane',
    });
  });

  it('redacts and bounds a sub-agent name taken from the tool input (span name and gen_ai.agent.name)', async () => {
    const secret = `sk-ant-api03-${r(40)}`;
    const events = [
      ev(0, {
        type: 'tool.started',
        callId: 'a1',
        name: 'Agent',
        kind: 'agent',
        input: { subagent_type: `helper ${secret} ${'x'.repeat(500)}` },
      }),
      ev(1, { type: 'message', role: 'assistant', text: 'sub says hi', parentCallId: 'a1' }),
      ev(2, { type: 'tool.completed', callId: 'a1', name: 'Agent', output: 'done', isError: false }),
      ev(3, { type: 'run.completed', durationMs: 3 }),
    ];
    for (const capture of [false, true]) {
      const { spans } = await trace(events, { capture });
      const sub = spans.find((s) => s.attributes['gen_ai.operation.name'] === 'invoke_agent' && s.parentSpanContext)!;
      expect(sub.name.startsWith('invoke_agent helper ')).toBe(true);
      expect(exportedText(spans)).not.toContain(secret);
      expect(sub.name.length).toBeLessThanOrEqual(200);
      expect(String(sub.attributes['gen_ai.agent.name']).length).toBeLessThanOrEqual(200);
    }
  });

  it("a secret nested deeper than the redactor walks does not leak through a tool error's status message", async () => {
    const secret = `sk-ant-api03-${r(40)}`;
    let deep: unknown = { error: secret };
    for (let i = 0; i < 70; i++) deep = { e: deep };
    const { spans } = await trace(
      [
        ev(0, { type: 'tool.started', callId: 't', name: 'Bash', kind: 'shell', input: { nested: deep } }),
        ev(1, { type: 'tool.completed', callId: 't', name: 'Bash', output: deep, isError: true }),
        ev(2, { type: 'run.completed', durationMs: 2 }),
      ],
      { capture: true },
    );
    expect(exportedText(spans)).not.toContain(secret);
  });

  it('lets no secret reach any exported attribute, whatever event carries it', async () => {
    const all = CORPUS.map(([, secret, template]) => template.replace('%s', secret)).join('\n');
    const events = [
      ev(0, { type: 'session.started', sessionId: 's', cwd: '/w' }),
      ev(1, { type: 'message', role: 'user', text: `again: ${all}` }),
      ev(2, { type: 'reasoning', text: all }),
      ev(3, { type: 'message', role: 'assistant', text: all }),
      ev(4, {
        type: 'tool.started',
        callId: 't1',
        name: 'Bash',
        kind: 'shell',
        input: { command: all, env: { TOKEN: 'raw-token-value-1' } },
      }),
      ev(5, { type: 'tool.completed', callId: 't1', name: 'Bash', output: all, isError: false }),
      ev(6, { type: 'tool.started', callId: 't2', name: 'Bash', kind: 'shell', input: { command: 'x' } }),
      ev(7, { type: 'tool.completed', callId: 't2', name: 'Bash', output: { stderr: all }, isError: true }),
      ev(8, { type: 'tool.started', callId: 't3', name: 'Agent', kind: 'agent', input: { prompt: all } }),
      ev(9, { type: 'message', role: 'assistant', text: all, parentCallId: 't3' }),
      ev(10, { type: 'tool.completed', callId: 't3', name: 'Agent', output: all, isError: false }),
      ev(11, { type: 'usage', scope: 'call', source: 'stream', confidence: 'exact', input: 1, output: 1 }),
      ev(12, { type: 'run.failed', reason: 'error', message: all, durationMs: 12, result: all }),
    ];
    const { spans } = await trace(events, {
      capture: true,
      info: { runId: 'r', harness: 'claude-code', request: { prompt: all, systemPrompt: all }, startedAt: new Date() },
      env: ENV,
      credentialEnv: ['MYAPP_LOGIN'],
    });
    const text = exportedText(spans);
    // Content was captured (so the check is meaningful) …
    expect(text).toContain('db.example.com');
    expect(text).toContain(REDACTED);
    // … and no secret survived, in any form JSON encoding could give it.
    for (const [name, secret] of CORPUS) {
      expect(text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1)), name).toBe(false);
    }
    expect(text).not.toContain('raw-token-value-1');
  });
});
