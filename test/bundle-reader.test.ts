// Log collections from disk: folders and .zip files, read within limits. A zip bomb ends in one line,
// entry names never reach the file system, and `diagnose` says which files it used and why not others.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { deflateSync, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { DEFAULT_LIMITS, readFolder, readZip, readZipFile } from '../src/node/bundle-reader.js';
import { InputError } from '../src/types.js';
import { memoryIO } from './helpers.js';
import { contract } from './schema.js';

const FOLDER = 'test/fixtures/bundles/authlogs-wks0417';
const tmp = mkdtempSync(join(tmpdir(), 'dsreg-bundle-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const validate = contract('diagnosis');

/** The fixture folder as a zip, entries named relative to the folder. */
function folderAsZip(): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else files[relative(FOLDER, p)] = new Uint8Array(readFileSync(p));
    }
  };
  walk(FOLDER);
  return zipSync(files, { mtime: new Date('2026-10-03T10:00:00Z') });
}

// A zip written by hand, for what zipSync will not write: precompressed data repeated (a bomb), odd
// names, unsupported methods.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
interface RawEntry {
  name: string;
  data: Uint8Array;
  method: number;
  crc: number;
  size: number;
}
function handZip(entries: RawEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = new TextEncoder().encode(e.name);
    const h = new DataView(new ArrayBuffer(30));
    h.setUint32(0, 0x04034b50, true);
    h.setUint16(4, 20, true);
    h.setUint16(6, 0x800, true);
    h.setUint16(8, e.method, true);
    h.setUint32(14, e.crc, true);
    h.setUint32(18, e.data.length, true);
    h.setUint32(22, e.size, true);
    h.setUint16(26, name.length, true);
    parts.push(new Uint8Array(h.buffer), name, e.data);
    const c = new DataView(new ArrayBuffer(46));
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(8, 0x800, true);
    c.setUint16(10, e.method, true);
    c.setUint32(16, e.crc, true);
    c.setUint32(20, e.data.length, true);
    c.setUint32(24, e.size, true);
    c.setUint16(28, name.length, true);
    c.setUint32(42, offset, true);
    central.push(new Uint8Array(c.buffer), name);
    offset += 30 + name.length + e.data.length;
  }
  const cdSize = central.reduce((n, p) => n + p.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, cdSize, true);
  end.setUint32(16, offset, true);
  const all = [...parts, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
const stored = (name: string, text: string): RawEntry => {
  const data = new TextEncoder().encode(text);
  return { name, data, method: 0, crc: crc32(data), size: data.length };
};

describe('readFolder', () => {
  it('reads every file under the folder, named by its path', async () => {
    const b = await readFolder(FOLDER);
    expect(b.entries.map((e) => e.name).sort()).toEqual(
      [
        'Archive/older.zip',
        'Events/Microsoft-Windows-User Device Registration%4Admin.xml',
        'Logs/empty.log',
        'Network/ipconfig_all.txt',
        'Network/nettrace.etl',
        'copy-of-status/dsregcmd_status_system.txt',
        'dsregcmd_status_system.txt',
        'dsregcmd_status_user.txt',
      ].map((n) => `${FOLDER}/${n}`),
    );
    expect(b.skipped).toEqual([]);
  });

  it('does not follow symbolic links, skips files over the size limit, stops at the file count', async () => {
    const dir = join(tmp, 'links');
    mkdirSync(dir);
    writeFileSync(join(dir, 'big.txt'), 'x'.repeat(2048));
    writeFileSync(join(dir, 'small.txt'), 'AzureAdJoined : YES\nDomainJoined : YES\n');
    symlinkSync('/etc', join(dir, 'etc-link'));
    const b = await readFolder(dir, { ...DEFAULT_LIMITS, maxEntryBytes: 1024 });
    expect(b.entries.map((e) => e.name)).toEqual([`${dir}/small.txt`]);
    expect(b.skipped).toEqual([
      { name: `${dir}/big.txt`, reason: 'larger than 0 MiB: not read' },
      { name: `${dir}/etc-link`, reason: 'a symbolic link: not followed' },
    ]);
    await expect(readFolder(dir, { ...DEFAULT_LIMITS, maxEntries: 1 })).rejects.toThrow(
      /more than 1 files in the folder/,
    );
  });

  it('tells the bytes read of the bytes to read: from 0, after each file, up to the total; same bundle', async () => {
    const calls: [number, number][] = [];
    const b = await readFolder(FOLDER, DEFAULT_LIMITS, (done, total) => calls.push([done, total]));
    expect(b).toEqual(await readFolder(FOLDER));
    const total = b.entries.reduce((n, e) => n + e.bytes.length, 0);
    expect(calls[0]).toEqual([0, total]);
    expect(calls.at(-1)).toEqual([total, total]);
    expect(calls.every(([, t]) => t === total)).toBe(true);
    const done = calls.map(([d]) => d);
    expect(done).toEqual([...done].sort((x, y) => x - y));
    // The start, and once a file (8 of them).
    expect(calls).toHaveLength(9);
  });

  it('tells progress inside a large file (8 MiB or more, read in pieces of 1 MiB)', async () => {
    const dir = join(tmp, 'large');
    mkdirSync(dir);
    const line = 'AzureAdJoined : YES\n';
    const text = line.repeat(Math.ceil((9 * 1024 * 1024) / line.length));
    writeFileSync(join(dir, 'status.txt'), text);
    const calls: [number, number][] = [];
    const b = await readFolder(dir, DEFAULT_LIMITS, (done, total) => calls.push([done, total]));
    expect(new TextDecoder().decode(b.entries[0]!.bytes)).toBe(text);
    const inside = calls.filter(([d, t]) => d > 0 && d < t);
    expect(inside.length).toBeGreaterThanOrEqual(8);
    expect(calls.at(-1)).toEqual([text.length, text.length]);
  });
});

describe('readZip', () => {
  it('reads a zip streamed in chunks, entries named inside the archive', async () => {
    const zip = folderAsZip();
    const chunks = Array.from({ length: Math.ceil(zip.length / 1000) }, (_, i) =>
      zip.subarray(i * 1000, i * 1000 + 1000),
    );
    const b = await readZip('logs.zip', chunks);
    expect(b.entries.length).toBe(8);
    const status = b.entries.find((e) => e.name === 'logs.zip/dsregcmd_status_system.txt')!;
    expect(new TextDecoder().decode(status.bytes)).toBe(
      readFileSync(`${FOLDER}/dsregcmd_status_system.txt`, 'utf8'),
    );
  });

  it('names from the archive are labels only: nothing is written, whatever they say', async () => {
    const before = readdirSync(tmp).sort();
    const zip = handZip([
      stored('../../escape.txt', 'AzureAdJoined : YES\nDomainJoined : YES\n'),
      stored('/abs/olute.txt', 'x'),
      stored('C:\\Windows\\evil.txt', 'y'),
      stored('bell\u0007.txt', 'z'),
    ]);
    const b = await readZip(join(tmp, 'a.zip'), [zip]);
    expect(b.entries.map((e) => e.name.slice(tmp.length + 7))).toEqual([
      '../../escape.txt',
      'abs/olute.txt',
      'C:/Windows/evil.txt',
      'bell?.txt',
    ]);
    expect(readdirSync(tmp).sort()).toEqual(before);
    expect(existsSync(join(tmp, '..', '..', 'escape.txt'))).toBe(false);
  });

  it('a zip bomb ends in one clear error at its first entry, with the default limits', async () => {
    const zeros = new Uint8Array(16 * 1024 * 1024);
    const data = deflateSync(zeros, { level: 9 });
    const crc = crc32(zeros);
    const entries = Array.from({ length: 80 }, (_, i) => ({
      name: `z${i}.txt`,
      data,
      method: 8,
      crc,
      size: zeros.length,
    }));
    const bomb = handZip(entries);
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    // Fed in 64 KiB pieces, counted: the reader stops within the first entry (its compressed size is
    // about 16 KiB), not after inflating 80 of them.
    let pulled = 0;
    async function* pieces(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < bomb.length; at += 64 * 1024) {
        pulled += 1;
        yield bomb.subarray(at, at + 64 * 1024);
      }
    }
    await expect(readZip('bomb.zip', pieces())).rejects.toThrow(
      new InputError('bomb.zip', 'compressed more than 200 to 1: not read (is it a zip bomb?)'),
    );
    expect(Math.ceil(bomb.length / (64 * 1024))).toBeGreaterThan(10);
    expect(pulled).toBeLessThanOrEqual(2);
    await expect(
      readZip('bomb.zip', [bomb], { ...DEFAULT_LIMITS, maxRatio: 1e9, maxTotalBytes: 40 * 1024 * 1024 }),
    ).rejects.toThrow(/bomb\.zip: more than 40 MiB once uncompressed: not read/);
    await expect(
      readZip('bomb.zip', [bomb], { ...DEFAULT_LIMITS, maxRatio: 1e9, maxEntries: 10 }),
    ).rejects.toThrow(/bomb\.zip: more than 10 files in the archive/);
    // A hang guard, not a timing check: the reader that stops early ends well within it.
  }, 60_000);

  it('skips an entry over the size limit and one it cannot decompress, and reads the rest', async () => {
    const ok = stored('ok.txt', 'AzureAdJoined : YES\nDomainJoined : YES\n');
    const big = stored('big.txt', 'y'.repeat(5000));
    const data = deflateSync(new TextEncoder().encode('hello'));
    const deflate64 = { name: 'odd.txt', data, method: 9, crc: 0, size: 5 };
    const b = await readZip('m.zip', [handZip([ok, big, deflate64])], {
      ...DEFAULT_LIMITS,
      maxEntryBytes: 1024,
    });
    expect(b.entries.map((e) => e.name)).toEqual(['m.zip/ok.txt']);
    expect(b.skipped).toEqual([
      { name: 'm.zip/big.txt', reason: 'larger than 0 MiB: not read' },
      { name: 'm.zip/odd.txt', reason: 'compressed with a method that is not supported (9): not read' },
    ]);
  });

  it('a damaged or empty archive is one clear error', async () => {
    await expect(readZip('bad.zip', [new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3])])).rejects.toThrow(
      /^bad\.zip: an empty or unreadable zip archive/,
    );
    const zip = folderAsZip();
    const cut = zip.subarray(0, 300);
    const b = await readZip('cut.zip', [cut]).catch((e: Error) => e);
    expect(b instanceof InputError || (b as { entries: unknown[] }).entries.length < 8).toBe(true);
  });

  it('readZipFile streams from disk', async () => {
    const path = join(tmp, 'logs.zip');
    writeFileSync(path, folderAsZip());
    const b = await readZipFile(path);
    expect(b.entries.length).toBe(8);
    expect(b.entries[0]!.name.startsWith(`${path}/`)).toBe(true);
  });

  it('readZipFile tells the bytes of the archive read of its size, once a 64 KiB piece; same bundle', async () => {
    const path = join(tmp, 'large.zip');
    // Stored, not deflated: an archive of about 300 KiB, read in five pieces.
    const noise = new Uint8Array(300 * 1024).map((_, i) => (i * 7919) % 251);
    writeFileSync(
      path,
      zipSync({
        'status.txt': readFileSync(`${FOLDER}/dsregcmd_status_system.txt`),
        'n.bin': [noise, { level: 0 }],
      }),
    );
    const size = readFileSync(path).length;
    const calls: [number, number][] = [];
    const b = await readZipFile(path, DEFAULT_LIMITS, (done, total) => calls.push([done, total]));
    expect(b).toEqual(await readZipFile(path));
    expect(calls.map(([d]) => d)).toEqual(
      Array.from({ length: Math.ceil(size / 65536) }, (_, i) => Math.min((i + 1) * 65536, size)),
    );
    expect(calls.every(([, t]) => t === size)).toBe(true);
  });
});

describe('diagnose on a log collection', () => {
  it('a folder: the diagnosis from its captures and events, and the files used and left out on stderr', async () => {
    const m = memoryIO();
    expect(await main(['diagnose', FOLDER], m.io)).toBe(1);
    expect(m.out()).toMatch(/^Verdict +FAILED in the join phase/);
    expect(m.out()).toContain('Timeline (event logs)');
    expect(m.err()).toBe(
      [
        `dsreg-doctor diagnose: ${FOLDER}: 3 of 8 files used`,
        '  used     dsregcmd_status_system.txt                dsregcmd /status output',
        '  used     dsregcmd_status_user.txt                  dsregcmd /status output',
        '  used     Events/Microsoft-Windows-User Device Registration%4Admin.xml  event log export (XML), 8 event records',
        '  ignored  Archive/older.zip                         a zip archive inside the bundle: not opened (unpack it and pass it on its own)',
        '  ignored  copy-of-status/dsregcmd_status_system.txt  same content as dsregcmd_status_system.txt',
        '  ignored  Logs/empty.log                            empty file',
        '  ignored  Network/ipconfig_all.txt                  text without `dsregcmd /status` fields or event records',
        '  ignored  Network/nettrace.etl                      binary file: neither text nor an .evtx event log',
        '',
      ].join('\n'),
    );
  });

  it('a zip: the same diagnosis as the folder, with "inputs" in the JSON', async () => {
    const path = join(tmp, 'authlogs.zip');
    writeFileSync(path, folderAsZip());
    const fromFolder = memoryIO();
    await main(['diagnose', FOLDER, '--format', 'json'], fromFolder.io);
    const fromZip = memoryIO();
    expect(await main(['diagnose', path, '--format', 'json'], fromZip.io)).toBe(1);
    expect(fromZip.err()).toBe('');
    const a = JSON.parse(fromFolder.out());
    const b = JSON.parse(fromZip.out());
    expect(validate(b)).toBe('');
    const shape = (d: {
      verdict: string;
      phase: string;
      findings: { id: string }[];
      timeline: unknown[];
    }) => [d.verdict, d.phase, d.findings.map((f) => f.id), d.timeline.length];
    expect(shape(b)).toEqual(shape(a));
    expect(b.inputs.length).toBe(8);
    expect(b.inputs.filter((i: { used: boolean }) => i.used).map((i: { name: string }) => i.name)).toEqual([
      `${path}/dsregcmd_status_system.txt`,
      `${path}/dsregcmd_status_user.txt`,
      `${path}/Events/Microsoft-Windows-User Device Registration%4Admin.xml`,
    ]);
    expect(b.inputs.find((i: { name: string }) => i.name.endsWith('nettrace.etl'))).toEqual({
      name: `${path}/Network/nettrace.etl`,
      kind: 'other',
      used: false,
      reason: 'binary file: neither text nor an .evtx event log',
    });
  });

  it('a zip given on standard input, and a zip bomb given on standard input', async () => {
    const m = memoryIO({ '-': folderAsZip() });
    expect(await main(['diagnose', '-', '--format', 'md'], m.io)).toBe(1);
    expect(m.out()).toMatch(/^# dsreg-doctor: FAILED in the join phase/);
    expect(m.out()).toContain('- `-/dsregcmd_status_system.txt`: dsregcmd /status output');
    const zeros = new Uint8Array(32 * 1024 * 1024);
    const data = deflateSync(zeros);
    const bomb = handZip([{ name: 'z.txt', data, method: 8, crc: crc32(zeros), size: zeros.length }]);
    const b = memoryIO({ '-': bomb });
    expect(await main(['diagnose', '-'], b.io)).toBe(2);
    expect(b.err()).toBe(
      'dsreg-doctor diagnose: -: compressed more than 200 to 1: not read (is it a zip bomb?)\n',
    );
    expect(b.out()).toBe('');
  });

  it('a bundle with nothing to read, or a bad file beside a bundle, is an error', async () => {
    const empty = join(tmp, 'nothing');
    mkdirSync(empty);
    writeFileSync(join(empty, 'readme.txt'), 'just notes\n');
    const m = memoryIO();
    expect(await main(['diagnose', empty], m.io)).toBe(2);
    expect(m.err()).toBe(
      `dsreg-doctor diagnose: ${empty}: no \`dsregcmd /status\` capture or event log export found in it\n`,
    );
    const n = memoryIO({ 'notes.txt': 'eggs\n' });
    expect(await main(['diagnose', FOLDER, 'notes.txt'], n.io)).toBe(2);
    expect(n.err()).toMatch(
      /dsreg-doctor diagnose: notes\.txt: neither `dsregcmd \/status` output nor an event log export/,
    );
    expect(n.out()).toBe('');
  });

  it('--redact on a bundle: no identifier from any file, in any format', async () => {
    for (const format of ['text', 'json', 'md', 'html']) {
      const m = memoryIO();
      expect(await main(['diagnose', FOLDER, '--redact', '--format', format], m.io)).toBe(1);
      const all = m.out() + m.err();
      expect(all, format).not.toMatch(
        /WKS-0417|contoso|5a8e2c4b|0f3c9a71|b47d21e9|c1e5f0a2|ada\.lovelace|proxy01/i,
      );
      expect(all).toMatch(/<computer-1>|&lt;computer-1&gt;/);
    }
  });

  it('--redact-times on a bundle with event logs: no time left, the timeline still drawn', async () => {
    for (const format of ['text', 'json', 'md', 'html']) {
      const m = memoryIO();
      expect(await main(['diagnose', FOLDER, '--redact-times', '--format', format], m.io)).toBe(1);
      expect(m.out(), format).not.toMatch(/20\d\d-\d\d-\d\d|\d\d:\d\d:\d\d/);
      expect(m.out()).toMatch(/time-1/);
      if (format === 'json') expect(validate(JSON.parse(m.out()))).toBe('');
    }
  });

  it('--out writes any format to a file', async () => {
    for (const format of ['text', 'json', 'md', 'html']) {
      const out = join(tmp, `report.${format}`);
      const m = memoryIO();
      expect(await main(['diagnose', FOLDER, '--format', format, '--out', out], m.io)).toBe(1);
      expect(m.out()).toBe('');
      const written = readFileSync(out, 'utf8');
      expect(written.length).toBeGreaterThan(500);
      expect(written).not.toMatch(/\x1b\[/);
    }
    const m = memoryIO({ 's.txt': 'AzureAdJoined : YES\nDomainJoined : YES\n' });
    expect(await main(['diagnose', 's.txt', '--out', join(tmp, 'no/such/dir/r.txt')], m.io)).toBe(2);
    expect(m.err()).toMatch(/r\.txt: cannot write \(no such folder\)\n$/);
  });
});
