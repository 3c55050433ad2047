// The HTML report: one self-contained file. Checked as text (no script, no outside reference, every
// value escaped, evidence shown among its neighbours) and in a real browser (Debian's chromium through
// playwright-core): it renders, prints to PDF, and asks nothing of the network. Screenshots go to
// test-results/ for a person to look at.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { diagnoseText } from '../src/diagnose.js';
import { RULE_DOCS } from '../src/report/components/finding.js';
import { renderHtml } from '../src/report/html.js';
import type { Diagnosis } from '../src/types.js';
import { memoryIO } from './helpers.js';

const SAMPLES = '../shared/samples/dsregcmd/';
const SHOTS = 'test-results';
const tmp = mkdtempSync(join(tmpdir(), 'dsreg-html-'));

/**
 * What would make a page load something, run something, or send something: in the tags themselves
 * (text that merely mentions `src=` is escaped and harmless). Links are allowed to https pages and to
 * anchors of the report: following one is the reader's choice, nothing loads by itself.
 */
function outsideReferences(html: string): string[] {
  const found: string[] = [];
  for (const tag of html.match(/<[a-z][^>]*>/gi) ?? []) {
    if (/^<(?:script|link|iframe|img|object|embed|form|base|video|audio|source|svg)\b/i.test(tag))
      found.push(tag);
    if (/\s(?:src|srcset|action|formaction|background|poster|on[a-z]+)\s*=/i.test(tag)) found.push(tag);
    const href = /\shref="([^"]*)"/.exec(tag)?.[1];
    if (href !== undefined && !/^(?:https:\/\/|#finding-\d+$)/.test(href)) found.push(tag);
  }
  const style = html.slice(html.indexOf('<style>'), html.indexOf('</style>'));
  for (const m of style.match(/@import|url\(/gi) ?? []) found.push(m);
  return found;
}

describe('renderHtml as text', () => {
  for (const f of readdirSync(SAMPLES).filter((x) => x.endsWith('.txt'))) {
    it(f, () => {
      const text = readFileSync(SAMPLES + f, 'utf8');
      const d = diagnoseText(text, f);
      const html = renderHtml(d, { inputs: [{ name: f, text }], generator: 'dsreg-doctor test' });
      expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
      expect(html).toContain(
        `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'`,
      );
      expect(outsideReferences(html)).toEqual([]);
      expect(html.match(/<section class="finding /g)?.length ?? 0).toBe(d.findings.length);
      // Each cited line is marked, with its number.
      for (const e of d.findings.flatMap((x) => x.evidence)) {
        expect(html).toContain(`<div class="l hit"><span class="n">${e.line}</span>`);
      }
    });
  }

  it('shows evidence among the lines around it, with a gap between distant places', () => {
    const f = '003-domain-joined-ws2022-scp-missing-0x801c001d.txt';
    const text = readFileSync(SAMPLES + f, 'utf8');
    const html = renderHtml(diagnoseText(text, f), { inputs: [{ name: f, text }], context: 2 });
    const finding = html.slice(html.indexOf('id="finding-1"'), html.indexOf('id="finding-2"'));
    // Cited: 41 (AD Configuration Test), 47-49 (previous registration); 2 lines of context around.
    const numbers = [...finding.matchAll(/<span class="n">(\d+)<\/span>/g)].map((m) => Number(m[1]));
    expect(numbers).toEqual([39, 40, 41, 42, 43, 45, 46, 47, 48, 49, 50, 51]);
    expect(finding).toContain(
      '<div class="l"><span class="n">40</span><span class="t">      AD Connectivity Test : PASS</span></div>',
    );
    expect(finding).toContain('<div class="l hit"><span class="n">41</span>');
    expect(finding).toContain('<div class="gap">⋯</div>');
  });

  it('splits a capture flattened with <br/> back into its lines for the context', () => {
    const f = '020-workgroup-azure-vm-ama-troubleshooter-html-br.txt';
    const text = readFileSync(SAMPLES + f, 'utf8');
    const d = diagnoseText(text, f);
    expect(d.findings.length).toBeGreaterThan(0);
    const html = renderHtml(d, { inputs: [{ name: f, text }] });
    expect(html).toContain('<span class="t">             AzureAdJoined : NO</span>');
    expect(html).not.toContain('&lt;br/&gt;');
  });

  it('escapes every value: a hostile capture cannot inject markup', () => {
    const d: Diagnosis = {
      schemaVersion: 1,
      verdict: 'failed',
      joinType: 'hybrid',
      phase: 'join',
      device: { name: '<img src=x onerror=alert(1)>' },
      findings: [
        {
          id: 'x',
          severity: 'error',
          phase: 'join',
          title: '<script>alert(1)</script>',
          codes: [{ hex: '0x1', name: '"><b>' }],
          evidence: [
            { source: '<s>.txt', line: 1, text: "Server Message : </pre><script>alert('x')</script>" },
          ],
          cause: 'See javascript:alert(1) and `<code>`',
          docs: ['javascript:alert(1)'],
        },
      ],
    };
    const html = renderHtml(d, {
      inputs: [{ name: '<s>.txt', text: "Server Message : </pre><script>alert('x')</script>\n" }],
    });
    expect(html).not.toMatch(/<script|<img|<b>|href="javascript/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<code>&lt;code&gt;</code>');
    expect(outsideReferences(html)).toEqual([]);
  });
});

describe('rule links', () => {
  it('link each finding to the documentation its rule declares, as `rules --format json` prints it', async () => {
    const m = memoryIO();
    await main(['rules', '--format', 'json'], m.io);
    const listed = JSON.parse(m.out()) as { id: string; docs: string[] }[];
    expect(listed.length).toBeGreaterThan(10);
    expect(Object.fromEntries(RULE_DOCS)).toEqual(
      Object.fromEntries(listed.filter((r) => r.docs.length > 0).map((r) => [r.id, r.docs[0]])),
    );
    // In the report (and so in the page, drawn by the same component): the rule's id is that link.
    const f = '003-domain-joined-ws2022-scp-missing-0x801c001d.txt';
    const d = diagnoseText(readFileSync(SAMPLES + f, 'utf8'), f);
    const html = renderHtml(d);
    for (const finding of d.findings) {
      const docs = RULE_DOCS.get(finding.rule!)!;
      expect(html).toContain(`<span class="rule-id"><a href="${docs}">${finding.rule}</a>`);
    }
  });
});

describe('the HTML report in a real browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const reports: [string, string[]][] = [
    ['bundle-redacted', ['diagnose', 'test/fixtures/bundles/authlogs-wks0417', '--redact']],
    ['sample-003', ['diagnose', `${SAMPLES}003-domain-joined-ws2022-scp-missing-0x801c001d.txt`]],
    ['example-deleted', ['diagnose', 'examples/dsregcmd/hybrid-device-deleted-aadsts50155.txt']],
    ['example-healthy', ['diagnose', 'examples/dsregcmd/hybrid-healthy.txt']],
  ];

  it('follows prefers-color-scheme: light on a light system, dark on a dark one (screenshots for a person)', async () => {
    const out = join(tmp, 'scheme.html');
    const path = 'examples/dsregcmd/join-fail-device-not-synced.txt';
    const m = memoryIO({ [path]: new Uint8Array(readFileSync(path)) });
    await main(['diagnose', path, '--format', 'html', '--out', out], m.io);
    const colours: Record<string, { body: string; text: string; badge: string }> = {};
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, colorScheme });
      const page = await context.newPage();
      await page.goto(`file://${resolve(out)}`);
      colours[colorScheme] = await page.evaluate(() => ({
        body: getComputedStyle(document.body).backgroundColor,
        text: getComputedStyle(document.body).color,
        badge: getComputedStyle(document.querySelector('.badge-error')!).color,
      }));
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, `report-${colorScheme}.png`) });
      await context.close();
    }
    expect(colours.light).toEqual({
      body: 'rgb(255, 255, 255)',
      text: 'rgb(27, 31, 36)',
      badge: 'rgb(180, 35, 24)',
    });
    expect(colours.dark).toEqual({
      body: 'rgb(15, 19, 24)',
      text: 'rgb(230, 232, 235)',
      badge: 'rgb(255, 138, 128)',
    });
  }, 60_000);

  for (const [name, argv] of reports) {
    it(`${name}: renders, prints to PDF, and makes no request outside the file`, async () => {
      const out = join(tmp, `${name}.html`);
      const files = Object.fromEntries(
        argv.filter((a) => a.endsWith('.txt')).map((a) => [a, new Uint8Array(readFileSync(a))]),
      );
      const m = memoryIO(files);
      await main([...argv, '--format', 'html', '--out', out], m.io);
      const json = memoryIO(files);
      await main([...argv, '--format', 'json'], json.io);
      const d = JSON.parse(json.out()) as Diagnosis;

      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(msg.text());
      });
      page.on('pageerror', (err) => errors.push(err.message));
      await context.route('**/*', (route) => {
        const url = route.request().url();
        requests.push(url);
        return /^(?:file|data|about):/.test(url) ? route.continue() : route.abort();
      });
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`file://${resolve(out)}`);

      expect(requests.filter((u) => !/^(?:file|data|about):/.test(u))).toEqual([]);
      expect(errors).toEqual([]);
      expect(await page.title()).toMatch(/^dsreg-doctor: (FAILED|WARNING|HEALTHY|UNKNOWN)/);
      expect(await page.locator('h1').textContent()).toBe((await page.title()).replace('dsreg-doctor: ', ''));
      expect(await page.locator('section.finding').count()).toBe(d.findings.length);
      if (d.findings.some((f) => f.evidence.length)) {
        expect(await page.locator('.lines .l.hit').count()).toBeGreaterThan(0);
        // The marked lines are visibly marked.
        const bg = await page
          .locator('.lines .l.hit')
          .first()
          .evaluate((el) => getComputedStyle(el).backgroundColor);
        expect(bg).not.toBe('rgba(0, 0, 0, 0)');
      }
      if (d.timeline?.length)
        expect(await page.locator('table.timeline tbody tr').count()).toBe(d.timeline.length);
      // Nothing wider than the page: it reads without scrolling sideways, and prints.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);

      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, `report-${name}.png`), fullPage: true });
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(10_000);
      writeFileSync(join(SHOTS, `report-${name}.pdf`), pdf);
      await context.close();
    }, 60_000);
  }
});
