// `dsreg-doctor redact FOLDER|ZIP --out FOLDER|FILE.zip`: a redacted copy of a whole log collection,
// with the same file names (identifiers in them replaced), that diagnoses as the original does.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { readEvents } from '../src/events/read.js';
import { redactBundle, safePath } from '../src/redact/bundle.js';
import { memoryIO } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'dsreg-redact-bundle-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const BUNDLE = 'test/fixtures/bundles/authlogs-wks0417';
const IDS = /WKS-0417|contoso|10\.20\.4\.\d+|0f3c9a71|b47d21e9/i;

/**
 * The io of the real CLI, with what it prints captured. On a terminal (stderrIsTTY) its clock runs a
 * second a call, so a progress line shows at once however quick the work (and CI is not set).
 */
function captured(stderrIsTTY = false) {
  const out: string[] = [];
  const err: string[] = [];
  let ms = 0;
  const io = {
    ...nodeIO(),
    stdout: (t: string) => out.push(t),
    stderr: (t: string) => err.push(t),
    stderrIsTTY,
    ...(stderrIsTTY ? { env: {}, clock: () => (ms += 1000) } : {}),
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

function files(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(dir, `${rel}${e.name}/`) : [`${rel}${e.name}`],
  );
}

async function diagnoseJson(path: string): Promise<unknown> {
  const m = captured();
  await main(['diagnose', path, '--format', 'json'], m.io);
  const d = JSON.parse(m.out());
  return [d.verdict, d.joinType, d.phase, d.findings.map((f: { id: string }) => f.id)];
}

describe('redact a folder', () => {
  it('writes a redacted copy with the same names, leaving out what cannot be redacted', async () => {
    const out = join(tmp, 'copy');
    const m = captured();
    expect(await main(['redact', BUNDLE, '--out', out], m.io)).toBe(0);
    expect(files(out).sort()).toEqual([
      'Events/Microsoft-Windows-User Device Registration%4Admin.xml',
      'Logs/empty.log',
      'Network/ipconfig_all.txt',
      'copy-of-status/dsregcmd_status_system.txt',
      'dsregcmd_status_system.txt',
      'dsregcmd_status_user.txt',
    ]);
    for (const f of files(out)) expect(readFileSync(join(out, f), 'utf8'), f).not.toMatch(IDS);
    expect(m.err()).toMatch(/left out Network\/nettrace\.etl: binary file, which cannot be redacted\n/);
    expect(m.err()).toMatch(
      /left out Archive\/older\.zip: a zip archive inside the bundle, which cannot be redacted\n/,
    );
    expect(m.err()).toMatch(/; wrote 6 files to .*copy \(2 left out\)\n$/);
    // Same lines, same diagnosis.
    const a = readFileSync(join(BUNDLE, 'dsregcmd_status_system.txt'), 'utf8');
    const b = readFileSync(join(out, 'dsregcmd_status_system.txt'), 'utf8');
    expect(b.split(/\r?\n/).length).toBe(a.split(/\r?\n/).length);
    expect(await diagnoseJson(out)).toEqual(await diagnoseJson(BUNDLE));
  });

  it('replaces identifiers in file names, and turns an .evtx into JSON lines', async () => {
    const src = join(tmp, 'named');
    mkdirSync(join(src, 'WKS-0417'), { recursive: true });
    cpSync(join(BUNDLE, 'dsregcmd_status_system.txt'), join(src, 'WKS-0417', 'dsregcmd_WKS-0417.txt'));
    cpSync('examples/events/udr-admin.evtx', join(src, 'udr-admin.evtx'));
    const out = join(tmp, 'named-copy');
    const m = captured();
    expect(await main(['redact', src, '--out', out], m.io)).toBe(0);
    expect(files(out).sort()).toEqual(['computer-1/dsregcmd_computer-1.txt', 'udr-admin.evtx.jsonl']);
    const jsonl = readFileSync(join(out, 'udr-admin.evtx.jsonl'));
    expect([...readEvents(new Uint8Array(jsonl))].length).toBe(
      [...readEvents(new Uint8Array(readFileSync('examples/events/udr-admin.evtx')))].length,
    );
    expect(jsonl.toString()).not.toMatch(IDS);
  });

  it('shows progress on a terminal only, on standard error', async () => {
    const tty = captured(true);
    expect(await main(['redact', BUNDLE, '--out', join(tmp, 'p1')], tty.io)).toBe(0);
    // The shared progress line (src/cli/progress.ts): the files read, then the files redacted, each
    // drawn in place up to 100% and erased (erase-line) before the command's own lines.
    const bar = (label: string, rest: string) =>
      new RegExp(`\u001b\\[1G${label} [=-]{20} ${rest}\u001b\\[0K`);
    expect(tty.err()).toMatch(bar(`Reading ${BUNDLE}`, '100% 18 KB of 18 KB'));
    expect(tty.err()).toMatch(bar(`Redacting ${BUNDLE}`, '100%'));
    expect(tty.err()).toMatch(/ 100%\u001b\[0K.*\u001b\[2Kdsreg-doctor redact: left out /);
    expect(tty.err()).not.toContain('\n\u001b');
    expect(tty.out()).toBe('');
    const piped = captured(false);
    expect(await main(['redact', BUNDLE, '--out', join(tmp, 'p2')], piped.io)).toBe(0);
    expect(piped.err()).not.toMatch(/\r|%|\u001b/);
  });

  it('bad usage: no --out, or a folder that is not empty: one line, exit 2, nothing written', async () => {
    const m = captured();
    expect(await main(['redact', BUNDLE], m.io)).toBe(2);
    expect(m.err()).toMatch(
      /^dsreg-doctor redact: .*authlogs-wks0417: a folder or a \.zip is redacted into a copy: give --out FOLDER or --out FILE\.zip\n$/,
    );
    expect(m.out()).toBe('');
    const full = join(tmp, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'mine');
    const n = captured();
    expect(await main(['redact', BUNDLE, '--out', full], n.io)).toBe(2);
    expect(n.err()).toMatch(/full: the folder is not empty: give a new or an empty folder\n$/);
    expect(readdirSync(full)).toEqual(['keep.txt']);
  });
});

describe('redact a zip', () => {
  it('writes a redacted .zip with the same entries', async () => {
    const out = join(tmp, 'copy.zip');
    const m = captured();
    expect(await main(['redact', 'examples/bundles/authlogs-wks0417.zip', '--out', out], m.io)).toBe(0);
    const entries = unzipSync(new Uint8Array(readFileSync(out)));
    const names = Object.keys(entries).sort();
    expect(names).toContain('authlogs-wks0417/dsregcmd_status_system.txt');
    const source = unzipSync(new Uint8Array(readFileSync('examples/bundles/authlogs-wks0417.zip')));
    expect(
      Object.keys(source)
        .filter((n) => !names.includes(n) && !n.endsWith('/'))
        .sort(),
    ).toEqual(['authlogs-wks0417/Archive/older.zip', 'authlogs-wks0417/Network/nettrace.etl']);
    for (const [n, b] of Object.entries(entries)) expect(new TextDecoder().decode(b), n).not.toMatch(IDS);
    expect(await diagnoseJson(out)).toEqual(await diagnoseJson('examples/bundles/authlogs-wks0417.zip'));
  });

  it('reads a zip from standard input; entry names cannot climb out of the copy', async () => {
    const zip = zipSync({
      '../../evil/dsregcmd-WKS-0417.txt': readFileSync(join(BUNDLE, 'dsregcmd_status_system.txt')),
    });
    const out = join(tmp, 'stdin-copy');
    const m = memoryIO({ '-': zip });
    expect(await main(['redact', '-', '--out', out], m.io)).toBe(0);
    expect(files(out)).toEqual(['evil/dsregcmd-computer-1.txt']);
    expect(safePath('/a/../../b\\c:d')).toBe('a/b/c_d');
  });
});

describe('redactBundle', () => {
  it('one pseudonym per value across the files of a bundle', () => {
    const enc = new TextEncoder();
    const r = redactBundle([
      {
        name: 'a.txt',
        bytes: enc.encode('Device Name : WKS-0417.corp.contoso.example\nDomainJoined : YES\n'),
      },
      { name: 'notes.txt', bytes: enc.encode('WKS-0417 was reimaged\n') },
    ]);
    expect(r.files.map((f) => new TextDecoder().decode(f.bytes))).toEqual([
      'Device Name : <computer-1>.<domain-1>.example\nDomainJoined : YES\n',
      '<computer-1> was reimaged\n',
    ]);
  });
});
