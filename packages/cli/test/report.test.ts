import { cpSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { FAKE_PLUGIN, runCli, transcript } from './helpers.js';

const CHROMIUM = process.env.OMNIGENT_TEST_CHROMIUM ?? '/usr/bin/chromium';
const FIXTURE = fileURLToPath(new URL('../../store/test/fixtures/compare-index.jsonl', import.meta.url));

let browser: Browser | undefined;

/** Headless Chromium; fails the test (never skips it) with the install command when it is missing. */
async function launchChromium(): Promise<Browser> {
  if (browser) return browser;
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is needed to check the HTML report and is not at ${CHROMIUM}. Install it: apt-get update && apt-get install -y chromium (or set OMNIGENT_TEST_CHROMIUM to its path).`,
    );
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  return browser;
}

afterAll(async () => {
  await browser?.close();
});

describe('omnigent report --html', () => {
  it('writes one self-contained page that Chromium renders with the charts, figures and run timelines', async () => {
    const browser = await launchChromium();
    // The hand-computed fixture runs, plus one real recorded run with tool calls for a timeline.
    const dir = mkdtempSync(join(tmpdir(), 'omnigent-report-test-'));
    cpSync(FIXTURE, join(dir, '.store', 'index.jsonl'));
    writeFileSync(join(dir, 'omnigent.config.json'), JSON.stringify({ plugins: [FAKE_PLUGIN] }));
    const t = transcript(dir, 't.jsonl', [
      { type: 'session.started', cwd: '.', model: 'fake-model' },
      { type: 'turn.started', turn: 1 },
      { type: 'tool.started', callId: 'task', name: 'Task', kind: 'agent', input: { description: 'look' } },
      {
        type: 'tool.started',
        callId: 'r',
        name: 'Read',
        kind: 'read',
        input: { file_path: 'x' },
        parentCallId: 'task',
      },
      { $fake: 'sleep', ms: 50 },
      { type: 'tool.completed', callId: 'r', name: 'Read', output: 'ENOENT', isError: true, parentCallId: 'task' },
      { type: 'tool.completed', callId: 'task', name: 'Task', output: 'done', isError: false },
      { type: 'usage', scope: 'turn', source: 'stream', confidence: 'exact', input: 4321, output: 12 },
      { type: 'result', ok: true },
    ]);
    const run = await runCli(['run', '-H', 'fake', 'look'], { cwd: dir, env: { OMNIGENT_FAKE_TRANSCRIPT: t } });
    expect(run.code).toBe(0);

    const out = join(dir, 'report.html');
    const r = await runCli(['report', '--html', out, '--title', 'Nightly agents', '--by', 'harness'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(7 runs)');
    expect(statSync(out).size).toBeGreaterThan(1000);

    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    await page.goto(pathToFileURL(out).href);
    expect(await page.title()).toBe('Nightly agents');
    await expect(page.locator('h1').innerText()).resolves.toBe('Nightly agents');
    expect(await page.locator('main > p.meta').innerText()).toMatch(/^7 runs · generated /);

    // Group table: the hand-computed alpha row.
    const alphaRow = page.locator('#groups tbody tr', { hasText: 'alpha' });
    expect((await alphaRow.locator('td').allInnerTexts()).slice(0, 11)).toEqual([
      'alpha',
      '3',
      '67%',
      '2.0s',
      '2.8s',
      '200+',
      '20+',
      '100*',
      '$0.0200*',
      '$0.0400*',
      '1.3',
    ]);

    // Charts: one bar per group, lengths in proportion to the figures, and the figures written beside them.
    const durationBars = page.locator('#chart-duration rect.bar');
    expect(await durationBars.count()).toBe(3);
    expect(await durationBars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))))).toEqual([
      2000,
      5000,
      expect.any(Number),
    ]);
    const [alphaBox, betaBox] = [await durationBars.nth(0).boundingBox(), await durationBars.nth(1).boundingBox()];
    expect(alphaBox!.width).toBeGreaterThan(0);
    expect(betaBox!.width / alphaBox!.width).toBeCloseTo(2.5, 1);
    await expect(page.locator('#chart-duration').innerText()).resolves.toContain('2.0s / p90 2.8s');
    const inputChart = await page.locator('#chart-input').innerText();
    expect(inputChart).toContain('200+');
    expect(inputChart).toContain('4,321');
    // beta reported no output tokens: no bar, and — rather than 0
    const outputLabels = await page.locator('#chart-output text.value').allTextContents();
    expect(outputLabels).toEqual(['20+', '—', '12']);
    expect(await page.locator('#chart-output rect.bar').count()).toBe(2);
    for (const id of ['#chart-cost', '#chart-success', '#chart-tools'])
      expect(await page.locator(id).isVisible()).toBe(true);

    // Runs: all seven listed; the recorded one opens to a timeline with the sub-agent call nested and red.
    expect(await page.locator('#runs details').count()).toBe(7);
    const recorded = page.locator('#runs details', { hasText: 'fake-model' });
    await recorded.locator('summary').click();
    const timeline = recorded.locator('svg.timeline');
    expect(await timeline.isVisible()).toBe(true);
    expect(await timeline.locator('rect.tool').count()).toBe(2);
    expect(await timeline.locator('rect.tool.err.sub').count()).toBe(1);
    expect(await timeline.textContent()).toMatch(/Task[\s\S]*Read/);

    // The inline script filters the list.
    await page.locator('#run-filter').fill('beta');
    await expect.poll(() => page.locator('#runs details:visible').count()).toBe(3);

    // Nothing was fetched but the file itself.
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    await page.close();
  });

  it('long group names are not clipped, the page never scrolls sideways, a run line says "1 tool call" and an unknown count is —', async () => {
    const browser = await launchChromium();
    const dir = mkdtempSync(join(tmpdir(), 'omnigent-report-test-'));
    const rec = (r: Record<string, unknown>): string => JSON.stringify(r);
    const startOf = (id: string, model: string, host: string): Record<string, unknown> => ({
      k: 'start',
      id,
      harness: 'claude-code',
      requestedModel: model,
      startedAt: '2026-01-10T10:00:00.000Z',
      cwd: '/w',
      tags: [],
      pid: 1,
      host,
    });
    mkdirSync(join(dir, '.store'));
    writeFileSync(
      join(dir, '.store', 'index.jsonl'),
      [
        rec(
          startOf('bbbb0001-0000-4000-8000-000000000001', 'claude-sonnet-4-5-20250929-with-a-long-suffix', 'elsewhere'),
        ),
        rec({
          k: 'end',
          id: 'bbbb0001-0000-4000-8000-000000000001',
          status: 'completed',
          durationMs: 1200,
          usage: { input: 100, output: 10, confidence: 'exact' },
          toolCalls: 1,
          toolErrors: 0,
          tools: { Bash: { calls: 1, errors: 0, durations: [50] } },
          events: 5,
        }),
        // still running on another host: its tool calls are not known yet
        rec(startOf('bbbb0002-0000-4000-8000-000000000002', 'claude-opus-4-1', 'elsewhere')),
      ].join('\n') + '\n',
    );
    const out = join(dir, 'report.html');
    const r = await runCli(['report', '--html', out], { cwd: dir });
    expect(r.code).toBe(0);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(out).href);
    expect(await page.locator('main > p.meta').innerText()).toMatch(/generated \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    // regression: the group table pushed the page to 1351 px in a 1280 px window
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
    // regression: labels were drawn right-aligned in a fixed 170 px column and lost their start ("e-code · claude-…")
    for (const chart of ['#chart-duration', '#chart-input', '#chart-tools']) {
      const fig = (await page.locator(chart).boundingBox())!;
      const labels = page.locator(`${chart} svg > text:not(.value)`);
      expect(await labels.count()).toBe(2);
      for (let i = 0; i < 2; i++) {
        const box = (await labels.nth(i).boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(fig.x);
      }
    }
    const labelTexts = await page
      .locator('#chart-duration svg > text:not(.value)')
      .evaluateAll((els) => els.map((e) => e.childNodes[0]!.textContent));
    expect(labelTexts).toEqual([
      'claude-code · claude-opus-4-1',
      expect.stringMatching(/^claude-code · claude-sonnet-4-5-2025.*…$/),
    ]);
    // one finished run: its duration once, not "1.2s / p90 1.2s"; the running-only group has none
    expect(await page.locator('#chart-duration text.value').allTextContents()).toEqual(['—', '1.2s']);
    // the group of the running run has no known tool calls: —, no bar (regression: 0.0)
    expect(await page.locator('#chart-tools text.value').allTextContents()).toEqual(['—', '1.0']);
    expect(await page.locator('#chart-tools rect.bar').count()).toBe(1);
    const summaries = await page.locator('#runs summary').allInnerTexts();
    expect(summaries.find((t) => t.includes('bbbb0001'))).toMatch(/· 1 tool call$/);
    expect(summaries.find((t) => t.includes('bbbb0002'))).toMatch(/· tool calls —$/);
    await page.close();
  }, 120_000);

  it('--html without a file, or into a missing directory: exit 2 saying what to give', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnigent-report-test-'));
    const bare = await runCli(['report', '--html'], { cwd: dir });
    expect([bare.code, bare.stderr]).toEqual([
      2,
      'omnigent: --html needs the file to write, e.g. --html report.html\n',
    ]);
    const missing = await runCli(['report', '--html', join(dir, 'no', 'such', 'r.html')], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `cannot write the report to ${join(dir, 'no', 'such', 'r.html')}: its directory does not exist`,
    );
    // regression: --timelines abc silently drew no timeline
    const timelines = await runCli(['report', '--html', join(dir, 'r.html'), '--timelines', 'abc'], { cwd: dir });
    expect([timelines.code, timelines.stderr]).toEqual([
      2,
      'omnigent: --timelines expects a whole number of runs (0 for none)\n',
    ]);
    // an empty store still writes the page, and says why it is empty
    const empty = await runCli(['report', '--html', join(dir, 'r.html')], { cwd: dir });
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain('No runs recorded yet');
  }, 120_000);
});
