// The fleet dashboard in Debian's chromium, served by the fleet server over a fleet of the public
// samples: the token prompt, the summary, the device list with its filters, a device's page drawn
// with the page's own findings components; nothing requested from anywhere but the server, the
// token in sessionStorage only. Screenshots at laptop and phone widths go to
// test-results/dashboard/, and to docs/ (the README's pictures) with UPDATE_SCREENSHOTS=1.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, freshDb, type Running, startFleet } from './server-helpers.js';

const SAMPLES = '../shared/samples/dsregcmd';
const EXAMPLES = 'examples/dsregcmd';
const RECONCILE = 'test/fixtures/reconcile';
const DIST = resolve('web/dist');
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? 'docs' : 'test-results/dashboard';
mkdirSync(SHOTS, { recursive: true });

function build(): void {
  const r = spawnSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
}

describe('the fleet dashboard', () => {
  let s: Running;
  let cleanup: () => void;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const foreign: string[] = [];

  beforeAll(async () => {
    build();
    const d = await freshDb('embedded');
    cleanup = d.cleanup;
    s = await startFleet(await d.open(), { webRoot: DIST });
    const files = [
      ...readdirSync(SAMPLES)
        .filter((f) => f.endsWith('.txt'))
        .map((f) => join(SAMPLES, f)),
      ...readdirSync(EXAMPLES)
        .filter((f) => f.endsWith('.txt'))
        .map((f) => join(EXAMPLES, f)),
    ];
    for (const [i, f] of files.entries()) {
      // A capture that names no device goes by the name the header gives.
      const r = await s.checkin(readFileSync(f), 'text/plain', {
        'X-Device-Name': `LAB-PC-${String(i).padStart(3, '0')}`,
      });
      expect(r.status).toBe(202);
    }
    userDataDir = mkdtempSync(join(tmpdir(), 'dsreg-dash-'));
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
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (r) => {
      if (!r.url().startsWith(s.url) && !r.url().startsWith('blob:') && !r.url().startsWith('data:'))
        foreign.push(r.url());
    });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await s?.stop();
    cleanup?.();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('asks for the admin token, refuses a wrong one, and keeps the right one in this tab only', async () => {
    const res = await page.goto(`${s.url}/`);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'none'");
    await page.fill('#token', 'not-the-token');
    await page.click('button[type=submit]');
    await page.waitForSelector('.token-form .problem');
    await page.fill('#token', ADMIN);
    await page.click('button[type=submit]');
    await page.waitForSelector('.fleet-total');
    const storage = await page.evaluate(() => ({
      session: Object.keys(sessionStorage),
      local: Object.keys(localStorage),
      cookie: document.cookie,
    }));
    expect(storage).toEqual({ session: ['dsreg-doctor-admin-token'], local: [], cookie: '' });
  });

  it('shows the summary the API gives, and the device list with filters and search', async () => {
    const summary = (await (await s.admin('/api/v1/summary')).json()) as {
      devices: number;
      verdicts: Record<string, number>;
    };
    expect(await page.textContent('.fleet-total strong')).toBe(summary.devices.toLocaleString('en'));
    for (const [v, n] of Object.entries(summary.verdicts)) {
      expect(await page.textContent(`section[aria-label=Verdicts] li[data-key="${v}"] .bar-n`)).toBe(
        String(n),
      );
    }
    await page.waitForSelector('.device-table tbody tr');
    expect(await page.locator('.device-table tbody tr').count()).toBe(Math.min(25, summary.devices));
    await page.selectOption('select[name=verdict]', 'failed');
    await page.waitForFunction(
      (n) => document.querySelectorAll('.device-table tbody tr').length === n,
      summary.verdicts.failed ?? 0,
    );
    const verdicts = await page.$$eval('.device-table tbody tr', (rows) =>
      rows.map((r) => r.getAttribute('data-verdict')),
    );
    expect(new Set(verdicts)).toEqual(new Set(['failed']));
    await page.selectOption('select[name=verdict]', '');
    const q = 'fab-lt';
    const want = (await (await s.admin(`/api/v1/devices?q=${q}&limit=500`)).json()) as { devices: unknown[] };
    expect(want.devices.length).toBeGreaterThan(1);
    await page.fill('input[name=q]', q);
    await page.click('.filters button[type=submit]');
    await page.waitForFunction(
      (n) => document.querySelectorAll('.device-table tbody tr').length === n,
      want.devices.length,
    );
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export CSV')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.trimEnd().split('\r\n')).toHaveLength(want.devices.length + 1);
  });

  it('opens a device with its diagnosis and history; screenshots at laptop and phone widths', async () => {
    await page.fill('input[name=q]', '');
    await page.click('.filters button[type=submit]');
    await page.selectOption('select[name=verdict]', 'failed');
    await page.waitForSelector('.device-table tbody tr[data-verdict=failed]');
    mkdirSync('docs', { recursive: true });
    await page.evaluate(() => scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}/dashboard-laptop.png`, fullPage: false });
    const link = page.locator('.device-table tbody tr[data-verdict=failed] a').first();
    const key = decodeURIComponent((await link.getAttribute('href'))!.replace('#/device/', ''));
    await link.click();
    await page.waitForSelector('.verdict');
    const device = (await (await s.admin(`/api/v1/devices/${encodeURIComponent(key)}`)).json()) as {
      diagnosis: { verdict: string; findings: { id: string }[] };
      history: unknown[];
    };
    expect(await page.getAttribute('.verdict', 'data-verdict')).toBe(device.diagnosis.verdict);
    const rules = await page.$$eval('section.finding', (a) => a.map((x) => x.getAttribute('data-rule')));
    expect(rules).toEqual(device.diagnosis.findings.map((f) => f.id));
    expect(await page.locator('table.history tbody tr').count()).toBe(device.history.length);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/dashboard-phone-device.png`, fullPage: false });
    await page.goto(`${s.url}/#/`);
    await page.waitForSelector('.fleet-total');
    await page.screenshot({ path: `${SHOTS}/dashboard-phone.png`, fullPage: false });
    expect(existsSync(`${SHOTS}/dashboard-laptop.png`)).toBe(true);
    expect(foreign).toEqual([]);
  });

  it('shows the reconciliation: instructions and an import form first, then states, devices, filters and CSV', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    // A device that checks in while Entra ID no longer has its object: the view links it to its page.
    const left = await s.checkin(readFileSync(`${RECONCILE}/wks-left-status.txt`), 'text/plain');
    expect(left.status).toBe(202);
    const leftKey = ((await left.json()) as { device: string }).device;
    await page.goto(`${s.url}/#/reconciliation`);
    await page.waitForSelector('.recon-empty');
    expect(await page.textContent('.recon-empty')).toContain('Download devices');
    // Both exports through the page's own form: the first one turns the instructions into the view.
    const upload = async (kind: string, file: string) => {
      await page.selectOption('.import-form select[name=kind]', kind);
      await page.setInputFiles('.import-form input[name=file]', `${RECONCILE}/${file}`);
      await page.click('.import-form button[type=submit]');
    };
    await upload('entra', 'entra-admin-center.csv');
    await page.waitForSelector('section[aria-label=States]');
    await upload('ad', 'ad-computers.csv');
    await page.waitForFunction(() =>
      document
        .querySelector('.import-form [role=status]')
        ?.textContent?.includes('ad-computers.csv imported'),
    );
    const api = (await (await s.admin('/api/v1/reconciliation')).json()) as {
      summary: Record<string, number>;
      devices: { name: string; states: string[]; deviceId?: string }[];
      inputs: { source: string }[];
    };
    expect(api.inputs.map((i) => i.source).sort()).toEqual(['ad-computers.csv', 'entra-admin-center.csv']);
    for (const [state, n] of Object.entries(api.summary)) {
      expect(await page.textContent(`section[aria-label=States] li[data-key="${state}"] .bar-n`), state).toBe(
        String(n),
      );
    }
    expect(await page.locator('.recon-device').count()).toBe(api.devices.length);
    await page.evaluate(() => scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}/dashboard-reconciliation-laptop.png`, fullPage: false });
    // Filter by state, from the chart and from the select.
    await page.click('section[aria-label=States] li[data-key="not-synced"] button');
    const notSynced = api.devices.filter((d) => d.states.includes('not-synced'));
    await page.waitForFunction(
      (n) => document.querySelectorAll('.recon-device').length === n,
      notSynced.length,
    );
    const shown = await page.$$eval('.recon-device', (a) => a.map((x) => x.getAttribute('data-states')));
    expect(shown.every((x) => x!.split(' ').includes('not-synced'))).toBe(true);
    // Each finding shows its cause, its fix and the rows it rests on.
    const finding = page.locator('.recon-device .recon-finding').first();
    await finding.locator('summary').click();
    expect(await finding.locator('.rows li').count()).toBeGreaterThan(0);
    const rows = (await page.locator('.recon-device .rows li').allTextContents()).join('\n');
    expect(rows).toMatch(/ad-computers\.csv:\d+ WKS-/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export CSV')]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trimEnd()
      .split(/\r?\n/);
    expect(csv[0]).toMatch(/^name,states,/);
    expect(csv).toHaveLength(notSynced.length + 1);
    await page.selectOption('select[name=state]', 'contradiction');
    const wksLeft = api.devices.find((d) => d.deviceId === leftKey);
    expect(wksLeft?.states).toContain('contradiction');
    await page.waitForSelector('.recon-device[data-states~="contradiction"]');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/dashboard-reconciliation-phone.png`, fullPage: false });
    // The device the directories contradict opens on its own page.
    await page
      .locator('.recon-device[data-states~="contradiction"]', { hasText: wksLeft!.name })
      .locator('h3 a')
      .click();
    await page.waitForSelector('.verdict');
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#/device/${leftKey}`);
    expect(foreign).toEqual([]);
  }, 120_000);
});
