import { cpSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
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
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is needed to check the HTML report and is not at ${CHROMIUM}. Install it: apt-get update && apt-get install -y chromium (or set OMNIGENT_TEST_CHROMIUM to its path).`);
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
      { type: 'tool.started', callId: 'r', name: 'Read', kind: 'read', input: { file_path: 'x' }, parentCallId: 'task' },
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
    expect((await alphaRow.locator('td').allInnerTexts()).slice(0, 11)).toEqual(['alpha', '3', '67%', '2.0s', '2.8s', '200+', '20+', '100*', '$0.0200*', '$0.0400*', '1.3']);

    // Charts: one bar per group, lengths in proportion to the figures, and the figures written beside them.
    const durationBars = page.locator('#chart-duration rect.bar');
    expect(await durationBars.count()).toBe(3);
    expect(await durationBars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))))).toEqual([2000, 5000, expect.any(Number)]);
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
    for (const id of ['#chart-cost', '#chart-success', '#chart-tools']) expect(await page.locator(id).isVisible()).toBe(true);

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
});
