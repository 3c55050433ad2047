// The browser page, end to end in Debian's chromium: paste, drop, pick files, click findings, look
// codes up, move by keyboard; and check that it asks nothing of anyone but the server it came from.
// Screenshots (light and dark, laptop and phone) go to test-results/web/ for a person to look at.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../src/cli/commands/web.js';
import { main } from '../src/cli/main.js';
import { decodeText } from '../src/input/decode.js';
import { type CodeNames, loadCodeNames, lookup } from '../src/kb/lookup.js';
import type { Diagnosis } from '../src/types.js';
import { memoryIO } from './helpers.js';

const DIST = 'web/dist';
const SAMPLES = '../shared/samples/dsregcmd';
const SHOTS = 'test-results/web';

/** Newest modification time under a folder (or of a file). */
function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'dist' || name === 'node_modules') continue;
    t = Math.max(t, newest(join(path, name)));
  }
  return t;
}

/** Builds the page unless web/dist is newer than everything it is built from. */
function ensureBuilt(): void {
  const index = join(DIST, 'index.html');
  const inputs = ['web', 'src', 'examples', 'package.json'];
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...inputs.map(newest))) return;
  const r = spawnSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
}

async function cliJson(paths: string[]): Promise<Diagnosis> {
  const files = Object.fromEntries(paths.map((p) => [p, new Uint8Array(readFileSync(p))]));
  const m = memoryIO(files);
  await main(['diagnose', ...paths, '--format', 'json', '--fail-on', 'never'], m.io);
  return JSON.parse(m.out()) as Diagnosis;
}

interface PageView {
  verdict: string | null;
  phase: string | null;
  joinType: string | null;
  findings: { id: string; severity: string; codes: string[] }[];
}

async function readView(page: Page): Promise<PageView> {
  return page.evaluate(() => {
    const verdict = document.querySelector('.verdict');
    return {
      verdict: verdict?.getAttribute('data-verdict') ?? null,
      phase: verdict?.getAttribute('data-phase') ?? null,
      joinType: document.querySelector('[data-join-type]')?.getAttribute('data-join-type') ?? null,
      findings: Array.from(document.querySelectorAll('section.finding')).map((a) => ({
        id: a.getAttribute('data-rule') ?? '',
        severity: a.getAttribute('data-severity') ?? '',
        codes: Array.from(a.querySelectorAll('.code[data-code]')).map(
          (c) => c.getAttribute('data-code') ?? '',
        ),
      })),
    };
  });
}

function expectedView(d: Diagnosis): PageView {
  return {
    verdict: d.verdict,
    phase: d.phase ?? '',
    joinType: d.joinType,
    findings: d.findings.map((f) => ({ id: f.id, severity: f.severity, codes: f.codes.map((c) => c.hex) })),
  };
}

/**
 * What the shared components draw, read from the DOM (in the page, or in the HTML report): the
 * verdict's facts and flow, and for each finding its badge, meta line, title, codes, section
 * headings, fix steps and links (href and label); buttons of the page (copy, look up) left out.
 */
const DRAWN = () => {
  const text = (e: Element | null | undefined) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();
  const verdict = document.querySelector('.verdict')!;
  return {
    verdict: text(verdict.querySelector('.verdict-line')),
    facts: Array.from(verdict.querySelectorAll('.facts > div')).map(
      (d) => `${text(d.querySelector('dt'))}: ${text(d.querySelector('dd'))}`,
    ),
    flow: Array.from(verdict.querySelectorAll('.flow .step')).map((s) => `${text(s)}`),
    findings: Array.from(document.querySelectorAll('.findings .finding')).map((f) => ({
      rule: f.getAttribute('data-rule'),
      severity: f.getAttribute('data-severity'),
      meta: Array.from(f.querySelector('.finding-meta')!.children)
        .filter((c) => c.tagName !== 'BUTTON')
        .map(text),
      title: text(f.querySelector('.finding-title')),
      codes: Array.from(f.querySelectorAll('.code')).map((c) =>
        Array.from(c.querySelectorAll('code, .code-name')).map(text).join(' '),
      ),
      sections: Array.from(f.querySelectorAll('h4')).map(text),
      cause: text(f.querySelector('.cause p')),
      fix: Array.from(f.querySelectorAll('.fix li')).map(text),
      links: Array.from(f.querySelectorAll('a')).map((a) => `${a.getAttribute('href')} ${text(a)}`),
    })),
    next: Array.from(document.querySelectorAll('.next-steps li')).map(text),
  };
};

let server: WebServer;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
const requests: string[] = [];
const refused: string[] = [];
const errors: string[] = [];

/** Waits until the page has read its inputs (the reading runs in a worker) and shows the result. */
async function settled(): Promise<void> {
  await page.waitForSelector('#results:not([aria-busy]) :is(.verdict, .empty:not([aria-busy]))');
}

async function pasteText(text: string): Promise<void> {
  await page.fill('#input-text', text);
  // The page renders after the input event: until then the empty state of a fresh page is still
  // there and not busy, so a non-empty paste waits for its verdict.
  if (text.trim() !== '') await page.waitForSelector('#results:not([aria-busy]) .verdict');
  else await settled();
}

/** The text of the first element matching a selector, once there is one. */
async function textOf(selector: string): Promise<string> {
  const first = page.locator(selector).first();
  await first.waitFor();
  return (await first.textContent()) ?? '';
}

async function countOf(selector: string): Promise<number> {
  return page.locator(selector).count();
}

async function openPage(): Promise<void> {
  await page.goto(server.url);
  await page.waitForSelector('#input-text');
}

let codeNames: CodeNames;

describe('the browser page', () => {
  beforeAll(async () => {
    ensureBuilt();
    codeNames = await loadCodeNames();
    mkdirSync(SHOTS, { recursive: true });
    server = await startWebServer(join(process.cwd(), DIST), 0, '127.0.0.1');
    const origin = new URL(server.url).origin;
    userDataDir = mkdtempSync(join(tmpdir(), 'dsreg-doctor-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
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
      viewport: { width: 1366, height: 900 },
      acceptDownloads: true,
    });
    // Every request the page makes goes through here: the server's own files pass, anything else
    // is refused and recorded, and the last test fails on it.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      requests.push(url);
      if (url.startsWith(`${origin}/`)) return route.continue();
      refused.push(url);
      return route.abort();
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`);
    });
    await openPage();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('says that nothing leaves the browser, and carries a Content-Security-Policy', async () => {
    expect(await textOf('#privacy')).toContain('nothing you paste or drop is uploaded');
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("form-action 'none'");
    // No inline script or style for the policy to have to allow.
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>\s*\S/);
    expect(html).not.toMatch(/<style[\s>]/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it('diagnoses every pasted sample as the CLI does: verdict, join type, phase, findings and codes', async () => {
    const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.txt'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) {
      const path = join(SAMPLES, file);
      const text = decodeText(new Uint8Array(readFileSync(path))).text;
      await pasteText(text);
      const expected = expectedView(await cliJson([path]));
      expect({ file, ...(await readView(page)) }).toEqual({ file, ...expected });
    }
  }, 60_000);

  it('shows the failing phase on the join flow and the verdict line', async () => {
    const path = join(SAMPLES, '011-doc-join-fail-0x801c03f2-directoryerror-sync.txt');
    await pasteText(readFileSync(path, 'utf8'));
    expect((await textOf('.verdict-line')).trim()).toBe('FAILED in the join phase');
    const steps = await page.$$eval('.flow .step', (els) =>
      els.map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-state')}`),
    );
    expect(steps).toEqual([
      'precheck:passed',
      'discover:passed',
      'auth:passed',
      'join:failed',
      'post-join:not-reached',
    ]);
    expect(await textOf('.finding')).toContain('0x801c03f2');
    expect(await textOf('.finding')).toContain('DSREG_E_DIRECTORY_FAILURE');
  });

  it('brings the evidence lines of a clicked finding into view and marks them', async () => {
    // A long capture whose first finding rests on lines far below the first screenful.
    const path = join(SAMPLES, '005-entra-joined-local-account-no-prt.txt');
    const text = readFileSync(path, 'utf8');
    const d = await cliJson([path]);
    await pasteText(text);
    const index = d.findings.findIndex((f) => f.evidence.some((e) => (e.line ?? 0) > 50));
    expect(index).toBeGreaterThanOrEqual(0);
    const lines = d.findings[index]!.evidence.flatMap((e) => (e.line !== undefined ? [e.line] : []));
    // Back to the top, where a reader starts (after pasting, the caret sits at the end).
    await page.$eval('#input-text', (t) => {
      t.scrollTop = 0;
      t.dispatchEvent(new Event('scroll'));
    });
    expect(await page.$eval('#input-text', (t) => t.scrollTop)).toBe(0);
    await page.locator('section.finding').nth(index).locator('.finding-title button').click();
    expect(await countOf('.mark-active')).toBe(new Set(lines).size);
    const { scrollTop, clientHeight, lineHeight } = await page.$eval('#input-text', (t) => ({
      scrollTop: t.scrollTop,
      clientHeight: t.clientHeight,
      lineHeight: Number.parseFloat(getComputedStyle(t).lineHeight),
    }));
    const first = Math.min(...lines);
    // The first evidence line is inside the visible part of the text area.
    expect((first - 1) * lineHeight).toBeGreaterThanOrEqual(scrollTop);
    expect(first * lineHeight).toBeLessThanOrEqual(scrollTop + clientHeight);
    expect(await page.locator('section.finding').nth(index).getAttribute('class')).toMatch(
      /finding-selected/,
    );
  });

  it('reads a dropped UTF-16 file and names its lines in the evidence', async () => {
    await openPage();
    const path = join(SAMPLES, '009-doc-discover-fail-0x801c0021-0x80072ee2-unelevated.txt');
    const text = readFileSync(path, 'utf8');
    // What PowerShell 5.1's `dsregcmd /status > status.txt` writes: UTF-16LE with a BOM.
    const utf16 = [0xff, 0xfe, ...new Uint8Array(Buffer.from(text, 'utf16le'))];
    const data = await page.evaluateHandle((bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'status.txt', { type: 'text/plain' }));
      return dt;
    }, utf16);
    await page.dispatchEvent('[data-testid="drop-zone"]', 'dragenter', { dataTransfer: data });
    await page.dispatchEvent('[data-testid="drop-zone"]', 'drop', { dataTransfer: data });
    await page.waitForSelector('.verdict');
    await settled();
    const expected = expectedView(await cliJson([path]));
    expect(await readView(page)).toEqual(expected);
    expect(await textOf('.tab-current')).toContain('status.txt');
    expect(await page.inputValue('#input-text')).toBe(text.replace(/\r\n?/g, '\n'));
    expect(await textOf('.ev-source')).toBe('status.txt');
    expect(await textOf('.ev-where')).toMatch(/^line \d+$/);
  });

  it('reads picked event logs with a capture and shows the timeline the CLI gives', async () => {
    await openPage();
    // One device's capture and its logs (the CLI diagnoses the captures of different devices apart).
    const paths = [
      'test/fixtures/devices/pc-0042-status.txt',
      'examples/events/udr-admin.evtx',
      'examples/events/aad-operational.evtx',
    ];
    await page.setInputFiles('#file-input', paths);
    await page.waitForSelector('.timeline');
    await settled();
    const d = await cliJson(paths);
    expect(await readView(page)).toEqual(expectedView(d));
    const attempts = await page.$$eval('.timeline .attempt', (els) =>
      els.map((e) => `${e.getAttribute('data-kind')}:${e.getAttribute('data-outcome')}`),
    );
    expect(attempts).toEqual((d.timeline ?? []).map((t) => `${t.kind}:${t.outcome}`));
    expect(attempts.length).toBeGreaterThan(0);
    // The .evtx was read as an event log (its tab says so) and none of the three is refused.
    expect(await countOf('.problem')).toBe(0);
    const evtxTab = page.locator('.tab button', { hasText: 'udr-admin.evtx' });
    expect(await evtxTab.getAttribute('title')).toMatch(/event log \(\.evtx\): \d+ event records/);
  });

  it('loads every bundled sample, captures and event logs, and diagnoses it as the CLI does', async () => {
    await openPage();
    const options = await page.$$eval('#sample-select option', (els) =>
      els.map((e) => (e as HTMLOptionElement).value),
    );
    const captures = readdirSync('examples/dsregcmd').filter((f) => f.endsWith('.txt'));
    expect(options.filter((o) => o.endsWith('.txt')).sort()).toEqual([...captures].sort());
    expect(options.filter((o) => !o.endsWith('.txt')).length).toBeGreaterThanOrEqual(3);
    for (const id of options) {
      await page.selectOption('#sample-select', id);
      await page.click('#load-sample');
      const paths = id.endsWith('.txt')
        ? [`examples/dsregcmd/${id}`]
        : id.split('+').map((f) => `examples/events/${f}`);
      await page.waitForFunction(
        (n) =>
          document.querySelector('#status')?.textContent?.startsWith('Loaded the sample') &&
          document.querySelectorAll('.verdict').length === n,
        1,
      );
      const d = await cliJson(paths);
      expect({ id, ...(await readView(page)) }).toEqual({ id, ...expectedView(d) });
      expect({ id, attempts: await countOf('.timeline .attempt') }).toEqual({
        id,
        attempts: d.timeline?.length ?? 0,
      });
      await page.click('#clear');
    }
  });

  it('names an input it cannot read and diagnoses the others', async () => {
    await openPage();
    await page.setInputFiles('#file-input', [
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('just some notes\nnothing else\n') },
      {
        name: 'status.txt',
        mimeType: 'text/plain',
        buffer: readFileSync('examples/dsregcmd/hybrid-healthy.txt'),
      },
    ]);
    await page.waitForSelector('.verdict');
    await settled();
    expect(await countOf('.problem')).toBe(1);
    expect(await textOf('.problem')).toContain('notes.txt: neither dsregcmd output nor an event log');
    expect((await textOf('.verdict-line')).trim()).toBe('HEALTHY: nothing to fix');
  });

  it('opens a dropped .zip log collection and reads what is in it, as the CLI does', async () => {
    await openPage();
    const zip = zipSync({
      // WKS-0417's capture, with its User Device Registration log.
      'auth/dsregcmd_status.txt': new Uint8Array(
        readFileSync('examples/dsregcmd/wks0417-join-fail-public-key-system.txt'),
      ),
      'auth/events/udr.xml': new Uint8Array(readFileSync('test/fixtures/events/join-fail.wevtutil.xml')),
      'auth/readme.txt': new TextEncoder().encode('collected by the auth scripts\n'),
    });
    await page.setInputFiles('#file-input', [
      { name: 'authlogs.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) },
    ]);
    await page.waitForSelector('.timeline');
    await settled();
    const m = memoryIO({ 'authlogs.zip': zip });
    await main(['diagnose', 'authlogs.zip', '--format', 'json', '--fail-on', 'never'], m.io);
    const d = JSON.parse(m.out()) as Diagnosis & { inputs: { name: string; used: boolean }[] };
    expect(await readView(page)).toEqual(expectedView(d));
    const tabs = await page.$$eval('.tab button[aria-pressed]', (els) => els.map((e) => e.textContent));
    expect(tabs).toEqual(['pasted text', ...d.inputs.filter((i) => i.used).map((i) => i.name)]);
    expect(await textOf('.left-out')).toContain('1 file of the bundle left out');
  });

  it('copies the Markdown report, redacted by default, as the CLI writes it', async () => {
    await openPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(server.url).origin,
    });
    const bytes = readFileSync('examples/dsregcmd/join-fail-device-not-synced.txt');
    await page.setInputFiles('#file-input', [{ name: 'status.txt', mimeType: 'text/plain', buffer: bytes }]);
    await page.waitForSelector('.verdict');
    await settled();
    expect(await page.isChecked('#redact')).toBe(true);
    const cli = async (...flags: string[]) => {
      const m = memoryIO({ 'status.txt': new Uint8Array(bytes) });
      await main(['diagnose', 'status.txt', '--fail-on', 'never', ...flags], m.io);
      return m.out();
    };
    const copy = async () => {
      await page.evaluate(() => navigator.clipboard.writeText(''));
      await page.click('#copy-md');
      await page.waitForFunction(() =>
        /^Copied/.test(document.querySelector('.share-status')?.textContent ?? ''),
      );
      return page.evaluate(() => navigator.clipboard.readText());
    };
    const redacted = await copy();
    expect(redacted).toBe(await cli('--format', 'md', '--redact'));
    for (const secret of [
      'fab-lt-0042',
      'FABRIKAM',
      'fabrikam',
      '0d1e2f30-4a5b-4c6d-8e9f-a0b1c2d3e4f5',
      '7a8b9c0d-1e2f',
    ]) {
      expect(redacted).not.toContain(secret);
    }
    expect(redacted).toContain('<domain-1>');
    expect(redacted).toContain('0x801c03f2');
    expect(await textOf('.share-status')).toBe('Copied the Markdown report (identifiers replaced).');
    // Switched off (by keyboard), the report is the plain one.
    await page.focus('#redact');
    await page.keyboard.press('Space');
    expect(await page.isChecked('#redact')).toBe(false);
    const plain = await copy();
    expect(plain).toBe(await cli('--format', 'md'));
    expect(plain).toContain('fab-lt-0042');
  });

  it('saves the HTML report, made in the page, as the CLI writes it', async () => {
    await page.check('#redact');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-html')]);
    expect(download.suggestedFilename()).toBe('dsreg-doctor-report.html');
    const html = readFileSync((await download.path())!, 'utf8');
    const m = memoryIO({
      'status.txt': new Uint8Array(readFileSync('examples/dsregcmd/join-fail-device-not-synced.txt')),
    });
    await main(['diagnose', 'status.txt', '--fail-on', 'never', '--format', 'html', '--redact'], m.io);
    if (html !== m.out()) {
      // Kept for a person to compare.
      writeFileSync(`${SHOTS}/report-page.html`, html);
      writeFileSync(`${SHOTS}/report-cli.html`, m.out());
    }
    expect(html).toBe(m.out());
    expect(html).not.toContain('fab-lt-0042');
  });

  it('looks up codes in any form, with the names from the Windows headers', async () => {
    await openPage();
    for (const query of ['0x801c03f2', '12002', 'AADSTS50155', '0x801c0021/0x80072ee2']) {
      await page.fill('#lookup-input', query);
      await page.press('#lookup-input', 'Enter');
      await page.waitForSelector(`.lookup-result[data-query="${query}"]`);
      const shown = await page.$$eval('.lookup-out .match', (els) =>
        els.map((e) => e.getAttribute('data-name')),
      );
      const r = lookup(query, codeNames);
      const names = (r.parts ?? [r]).flatMap((p) => p.matches.map((m) => m.name));
      expect({ query, shown }).toEqual({ query, shown: names });
      expect(names.length).toBeGreaterThan(0);
    }
    expect(await textOf('.lookup-out')).toContain('ERROR_INTERNET_TIMEOUT');
  });

  it('looks up a code of a finding from its button', async () => {
    await page.selectOption('#sample-select', 'join-fail-device-not-synced.txt');
    await page.click('#load-sample');
    await page.waitForSelector('.verdict');
    await settled();
    await page.locator('.finding .code-button').first().click();
    await page.waitForSelector('.lookup-result[data-query="0x801c03f2"]');
    expect(await page.inputValue('#lookup-input')).toBe('0x801c03f2');
    expect(await textOf('.lookup-out')).toContain('DSREG_E_DIRECTORY_FAILURE');
  });

  it('can be used by keyboard: the main controls are reached with Tab and work with Enter', async () => {
    await openPage();
    const reached: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      reached.push(
        await page.evaluate(() => document.activeElement?.id || document.activeElement?.className || ''),
      );
    }
    for (const id of ['sample-select', 'load-sample', 'choose-files', 'input-text', 'lookup-input']) {
      expect(reached).toContain(id);
    }
    expect(reached[0]).toBe('skip-link');
    // Load the sample with the keyboard, then reach a finding and open it with Enter.
    await page.focus('#load-sample');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.verdict');
    await settled();
    await page.focus('#lookup-input');
    await page.keyboard.press('Shift+Tab');
    let guard = 0;
    while (
      !(await page.evaluate(() => document.activeElement?.closest('.finding-title') !== null)) &&
      guard < 60
    ) {
      await page.keyboard.press('Shift+Tab');
      guard++;
    }
    expect(guard).toBeLessThan(60);
    await page.keyboard.press('Enter');
    expect(await countOf('.finding-selected')).toBe(1);
    expect(await page.locator('.mark-active').first().isVisible()).toBe(true);
  });

  it('reads well in light and dark, on a laptop and on a phone (screenshots for a person)', async () => {
    const text = readFileSync(
      join(SAMPLES, '037-hybrid-joined-prt-fail-aadsts90002-nonsynced-admin-local-upn.txt'),
      'utf8',
    );
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [name, width, height] of [
        ['laptop', 1366, 900],
        ['phone', 390, 844],
      ] as const) {
        await page.setViewportSize({ width, height });
        await openPage();
        await page.screenshot({ path: `${SHOTS}/empty-${scheme}-${name}.png` });
        await pasteText(text);
        await page.locator('.finding-title button').first().click();
        // On a phone the input is above the findings: the click brings it back into view.
        await page.waitForFunction(() => {
          const box = document.querySelector('#input-text')!.getBoundingClientRect();
          return box.top > -1 && box.bottom < window.innerHeight + 1;
        });
        await page.screenshot({ path: `${SHOTS}/clicked-${scheme}-${name}.png` });
        await page.evaluate(() =>
          document.querySelector('.verdict')?.scrollIntoView({ behavior: 'instant' }),
        );
        await page.screenshot({ path: `${SHOTS}/verdict-${scheme}-${name}.png` });
        await page.screenshot({ path: `${SHOTS}/diagnosis-${scheme}-${name}.png`, fullPage: true });
        // Nothing sticks out sideways: the page fits the width of the screen.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect({ scheme, name, overflow }).toEqual({ scheme, name, overflow: 0 });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1366, height: 900 });
  }, 60_000);

  it('keeps working offline once loaded: lookups, diagnoses and reports need no further request', async () => {
    await openPage();
    // The parts that load on demand are fetched while the page is idle.
    await page.waitForFunction(() => {
      const loaded = performance.getEntriesByType('resource').map((e) => e.name);
      return ['generic-codes', 'prepare', 'build', 'zip'].every((part) =>
        loaded.some((url) => new RegExp(`/assets/${part}-[^/]+\\.js$`).test(url)),
      );
    });
    // The reading worker fetches its own copy of the names with its first diagnosis: one online.
    await pasteText(readFileSync('examples/dsregcmd/join-fail-device-not-synced.txt', 'utf8'));
    await context.setOffline(true);
    try {
      const before = requests.length;
      await page.fill('#lookup-input', '12002');
      await page.press('#lookup-input', 'Enter');
      await page.waitForSelector('.lookup-result[data-query="12002"]');
      expect(await textOf('.lookup-out')).toContain('ERROR_WINHTTP_TIMEOUT');
      await pasteText(readFileSync('examples/dsregcmd/hybrid-device-deleted-aadsts50155.txt', 'utf8'));
      await page.click('#copy-md');
      await page.waitForFunction(() =>
        /^Copied/.test(document.querySelector('.share-status')?.textContent ?? ''),
      );
      expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('AADSTS50155');
      expect(requests.slice(before)).toEqual([]);
    } finally {
      await context.setOffline(false);
    }
  });

  it('reads a large export in a worker: the page answers meanwhile, with progress and Cancel', async () => {
    await openPage();
    const unit = readFileSync('examples/events/join-fail.wevtutil.xml', 'utf8');
    // About 40 MB of XML export, made in the page and dropped as a file.
    const data = await page.evaluateHandle(
      ([text, n]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text.repeat(n)], 'big.xml', { type: 'text/xml' }));
        return dt;
      },
      [unit, Math.ceil((40 * 1024 * 1024) / unit.length)] as const,
    );
    await page.dispatchEvent('[data-testid="drop-zone"]', 'drop', { dataTransfer: data });
    await page.locator('#cancel-reading').waitFor({ state: 'visible' });
    // The page's own thread answers while the worker reads.
    expect(await page.evaluate(() => document.querySelector('#results')?.getAttribute('aria-busy'))).toBe(
      'true',
    );
    expect(await textOf('.reading-line')).toMatch(/^Reading 4\d\.\d MB…$/);
    expect(await countOf('progress.reading-bar')).toBe(1);
    await page.click('#cancel-reading');
    await settled();
    expect(await countOf('.reading')).toBe(0);
    expect(await page.locator('.tab', { hasText: 'big.xml' }).count()).toBe(0);
    expect(await textOf('#status')).toBe('Reading cancelled: big.xml left out.');
  }, 60_000);

  it('fills a determinate progress bar, with its percent, before the verdict of a large export', async () => {
    await openPage();
    // Every change under #results is noted with the bar's state then: the values the bar took, and
    // whether the verdict was there yet (a MutationObserver, so no moment is missed by polling).
    await page.evaluate(() => {
      const seen: { value: number | null; percent: string | null; verdict: boolean }[] = [];
      (window as unknown as { seen: typeof seen }).seen = seen;
      const results = document.querySelector('#results')!;
      new MutationObserver(() => {
        const bar = document.querySelector('progress.reading-bar');
        seen.push({
          value: bar?.hasAttribute('value') ? Number(bar.getAttribute('value')) : null,
          percent: document.querySelector('.reading-percent')?.textContent ?? null,
          verdict: document.querySelector('#results .verdict') !== null,
        });
      }).observe(results, { attributes: true, childList: true, subtree: true, characterData: true });
    });
    const unit = readFileSync('examples/events/join-fail.wevtutil.xml', 'utf8');
    // About 24 MB of XML export, made in the page and dropped as a file.
    const data = await page.evaluateHandle(
      ([text, n]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text.repeat(n)], 'big.xml', { type: 'text/xml' }));
        return dt;
      },
      [unit, Math.ceil((24 * 1024 * 1024) / unit.length)] as const,
    );
    await page.dispatchEvent('[data-testid="drop-zone"]', 'drop', { dataTransfer: data });
    // Midway: a bar with a value, and the same percent beside it (a picture for a person).
    await page.waitForFunction(() => {
      const bar = document.querySelector<HTMLProgressElement>('progress.reading-bar');
      return bar?.hasAttribute('value') && bar.value >= 0.2 && bar.value < 0.9;
    });
    await page.locator('.results').screenshot({ path: join(SHOTS, 'reading-progress.png') });
    await page.waitForSelector('#results:not([aria-busy]) .verdict', { timeout: 170_000 });
    const seen = await page.evaluate(
      () =>
        (window as unknown as { seen: { value: number | null; percent: string | null; verdict: boolean }[] })
          .seen,
    );
    const before = seen.slice(
      0,
      seen.findIndex((s) => s.verdict),
    );
    const values = before.flatMap((s) => (s.value === null ? [] : [s.value]));
    // The bar rose through several values, never back, from under a tenth to over nine tenths.
    expect(new Set(values).size).toBeGreaterThanOrEqual(5);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values[0]!).toBeLessThan(0.1);
    expect(values.at(-1)!).toBeGreaterThan(0.9);
    for (const s of before) {
      if (s.value !== null) expect(s.percent).toBe(`${Math.floor(s.value * 100)}%`);
    }
    expect(await countOf('.reading')).toBe(0);
  }, 180_000);

  it('diagnoses the first paste at once and waits for a pause in later edits', async () => {
    await openPage();
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const results = document.querySelector('#results')!;
      new MutationObserver(() => seen.push(results.getAttribute('data-busy') ?? '')).observe(results, {
        attributes: true,
        attributeFilter: ['data-busy'],
      });
    });
    const seen = () => page.evaluate(() => (window as unknown as { seen: string[] }).seen.splice(0));
    const text = readFileSync('examples/dsregcmd/join-fail-device-not-synced.txt', 'utf8');
    await pasteText(text);
    const first = await seen();
    expect(first).not.toContain('edit');
    await pasteText(text.replace('DirectoryError', 'DirectoryErrors'));
    expect(await seen()).toContain('edit');
  });

  it('refuses a binary file, selects what was dropped, and keeps the close button of a long name', async () => {
    await openPage();
    // Bytes as a random file has them (a fixed seed, so the test reads the same file each time).
    let x = 12345;
    const random = Buffer.alloc(64 * 1024, 0).map(() => {
      x = (x * 1103515245 + 12345) >>> 0;
      return x >>> 24;
    });
    const long = `${'dsregcmd-status-of-a-laptop-with-a-long-name-'.repeat(4)}.txt`;
    await page.setInputFiles('#file-input', [
      { name: long, mimeType: 'text/plain', buffer: readFileSync('examples/dsregcmd/hybrid-healthy.txt') },
    ]);
    await settled();
    const tab = page.locator('.tab-current');
    expect(await tab.locator('button').first().textContent()).toBe(long);
    const [box, close] = await Promise.all([tab.boundingBox(), tab.locator('.tab-remove').boundingBox()]);
    expect(close!.width).toBeGreaterThan(10);
    expect(close!.x + close!.width).toBeLessThanOrEqual(box!.x + box!.width + 1);
    await page.setInputFiles('#file-input', [
      { name: 'random.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(random) },
    ]);
    await settled();
    expect(await textOf('.tab-current')).toContain('random.bin');
    expect(await textOf('.problem')).toBe(
      'random.bin: a binary file, neither `dsregcmd /status` text nor an event log (.evtx, XML, CSV or JSON)',
    );
    expect(await countOf('#input-text')).toBe(0);
    expect((await textOf('.verdict-line')).trim()).toBe('HEALTHY: nothing to fix');
  });

  it('copies a code and a finding with their buttons', async () => {
    await openPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(server.url).origin,
    });
    await pasteText(readFileSync('examples/dsregcmd/join-fail-device-not-synced.txt', 'utf8'));
    await page.click('.code[data-code="0x801c03f2"] .copy-button');
    await page.waitForSelector('.code[data-code="0x801c03f2"] .copy-button:text("Copied")');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('0x801c03f2');
    await page.click('section.finding .finding-meta .copy-button');
    await page.waitForSelector('section.finding .finding-meta .copy-button:text("Copied")');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toMatch(
      /^ERROR \[join\] The computer is not yet synchronized to Microsoft Entra ID\n {2}rule join-failure: drs-device-not-found\n/,
    );
    expect(copied).toContain('  Fix       - Wait for the next Microsoft Entra Connect sync cycle');
  });

  it('draws many attempts on a time axis, with times to the second as the CLI prints them', async () => {
    await openPage();
    const unit = readFileSync('examples/events/join-fail.wevtutil.xml', 'utf8');
    // Ten days of the same two failed attempts: twenty attempts.
    const days = Array.from({ length: 10 }, (_, i) =>
      unit
        .replaceAll('2026-10-03T', `2026-10-${String(10 + i)}T`)
        .replace(/<EventRecordID>(\d+)</g, (_m, n: string) => `<EventRecordID>${Number(n) + 1000 * i}<`),
    ).join('');
    await page.setInputFiles('#file-input', [
      { name: 'udr.xml', mimeType: 'text/xml', buffer: Buffer.from(days) },
    ]);
    await page.waitForSelector('.timeline');
    await settled();
    const attempts = await countOf('.timeline-list .attempt');
    expect(attempts).toBe(20);
    expect(await countOf('.time-axis .axis-dot')).toBe(attempts);
    const times = await page.$$eval('.timeline-list time', (els) => els.map((e) => e.textContent));
    for (const t of times) expect(t).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    // The dots run from left to right in time order.
    const lefts = await page.$$eval('.axis-row[data-kind="join"] .axis-dot', (els) =>
      els.map((e) => e.getBoundingClientRect().left),
    );
    expect([...lefts].sort((a, b) => a - b)).toEqual(lefts);
    expect(lefts.at(-1)! - lefts[0]!).toBeGreaterThan(200);
    await page.locator('.time-axis').screenshot({ path: join(SHOTS, 'time-axis.png') });
  });

  it('keeps phase names whole on a phone', async () => {
    await openPage();
    await page.setViewportSize({ width: 360, height: 740 });
    try {
      await pasteText(readFileSync('examples/dsregcmd/join-fail-device-not-synced.txt', 'utf8'));
      const labels = await page.$$eval('.flow .step-label', (els) =>
        els.map((e) => ({
          text: e.textContent,
          lines: Math.round(
            e.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(e).lineHeight),
          ),
          fits: e.scrollWidth <= e.clientWidth + 1,
        })),
      );
      expect(labels.map((l) => l.text)).toEqual(['Precheck', 'Discover', 'Auth', 'Join', 'PRT']);
      for (const l of labels) expect(l, l.text ?? '').toMatchObject({ lines: 1, fits: true });
      await page.locator('.flow').screenshot({ path: join(SHOTS, 'flow-phone.png') });
    } finally {
      await page.setViewportSize({ width: 1366, height: 900 });
    }
  });

  it('refuses a 50 MB random file from its first bytes: nothing is handed to the reader', async () => {
    await openPage();
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const results = document.querySelector('#results')!;
      new MutationObserver(() => seen.push(results.getAttribute('data-busy') ?? '')).observe(results, {
        attributes: true,
        attributeFilter: ['data-busy'],
      });
    });
    // 50 MB of random bytes, made in the page and dropped as a file.
    const data = await page.evaluateHandle(() => {
      const bytes = new Uint8Array(50 * 1024 * 1024);
      for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'random.bin', { type: 'application/octet-stream' }));
      return dt;
    });
    await page.dispatchEvent('[data-testid="drop-zone"]', 'drop', { dataTransfer: data });
    await page.waitForSelector('.problem');
    expect(await textOf('.problem')).toBe(
      'random.bin: a binary file, neither `dsregcmd /status` text nor an event log (.evtx, XML, CSV or JSON)',
    );
    expect(await textOf('.binary-note')).toMatch(/^random\.bin: 52,428,800 bytes\.$/);
    // The worker was never asked to read it.
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).not.toContain(
      'reading',
    );
    expect(await countOf('.reading')).toBe(0);
  }, 60_000);

  it("draws the verdict and the findings with the HTML report's own components: the same sections, words and links", async () => {
    await openPage();
    // A sample with several findings, codes, fixes and documentation links.
    const path = join(SAMPLES, '003-domain-joined-ws2022-scp-missing-0x801c001d.txt');
    await pasteText(readFileSync(path, 'utf8'));
    const inPage = await page.evaluate(DRAWN);
    const m = memoryIO({ [path]: new Uint8Array(readFileSync(path)) });
    await main(['diagnose', path, '--format', 'html', '--fail-on', 'never'], m.io);
    const report = await context.newPage();
    try {
      await report.setContent(m.out());
      const inReport = await report.evaluate(DRAWN);
      expect(inPage.findings.length).toBeGreaterThan(1);
      expect(inPage.findings.flatMap((f) => f.links).length).toBeGreaterThan(2);
      expect(inReport).toEqual(inPage);
    } finally {
      await report.close();
    }
  });

  it('made no request but for its own files, and logged no error', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(refused).toEqual([]);
    expect(errors).toEqual([]);
  });
});
