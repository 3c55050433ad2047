// The core's reading tells how far it is (a progress bar on the page, a line on a terminal): bytes
// read of all the inputs' bytes, at a bounded rate, never once a record; the analysis is the same
// with or without it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';
import { readEvents } from '../src/events/read.js';

const bytes = (p: string) => new Uint8Array(readFileSync(p));
const unit = readFileSync('examples/events/join-fail.wevtutil.xml', 'utf8');
const records = [...readEvents(bytes('examples/events/join-fail.wevtutil.xml'))].length;

/** An XML export of about `mib` MiB: the example's events again and again. */
function bigXml(mib: number): string {
  return unit.repeat(Math.ceil((mib * 1024 * 1024) / unit.length));
}

function utf16(text: string): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    out[2 + i * 2] = text.charCodeAt(i) & 0xff;
    out[3 + i * 2] = text.charCodeAt(i) >> 8;
  }
  return out;
}

type Call = [done: number, total: number];

describe('analyze: onProgress', () => {
  it('tells the bytes read of a large export as the reading goes, rising, up to the total', () => {
    const xml = new TextEncoder().encode(bigXml(6));
    const calls: Call[] = [];
    const a = analyze([{ name: 'big.xml', bytes: xml }], { onProgress: (d, t) => calls.push([d, t]) });
    const n = a.devices[0]!.evidence.events.length;
    expect(n).toBe(records * Math.ceil((6 * 1024 * 1024) / unit.length));
    // At the start, once a MiB of text, and at the end: not once a record.
    expect(calls[0]).toEqual([0, xml.length]);
    expect(calls.length).toBeGreaterThanOrEqual(7);
    expect(calls.length).toBeLessThanOrEqual(9);
    expect(calls.every(([, total]) => total === xml.length)).toBe(true);
    const done = calls.map(([d]) => d);
    expect(done).toEqual([...done].sort((x, y) => x - y));
    expect(new Set(done).size).toBe(done.length);
    expect(done[1]!).toBeLessThan(xml.length / 4);
    expect(calls.at(-1)).toEqual([xml.length, xml.length]);
  });

  it('counts in bytes of the input, whatever its encoding (UTF-16 text is read in characters)', () => {
    const text = bigXml(3);
    const wide = utf16(text);
    const calls: Call[] = [];
    analyze([{ name: 'wide.xml', bytes: wide }], { onProgress: (d, t) => calls.push([d, t]) });
    // 0 at the start; then 1 MiB of characters is 2 MiB of the input.
    expect(calls[0]).toEqual([0, wide.length]);
    const first = calls[1]!;
    expect(first[1]).toBe(wide.length);
    expect(Math.abs(first[0] - 2 * 1024 * 1024)).toBeLessThan(16);
    expect(calls.at(-1)).toEqual([wide.length, wide.length]);
  });

  it('adds up several inputs: a capture, an .evtx, an export; at most 1,001 calls for many small ones', () => {
    const capture = bytes('examples/dsregcmd/wks0417-join-fail-public-key-system.txt');
    const evtx = bytes('examples/events/udr-admin.evtx');
    const xml = new TextEncoder().encode(bigXml(2));
    const total = capture.length + evtx.length + xml.length;
    const calls: Call[] = [];
    const inputs = [
      { name: 'status.txt', bytes: capture },
      { name: 'udr.evtx', bytes: evtx },
      { name: 'big.xml', bytes: xml },
    ];
    const a = analyze(inputs, { onProgress: (d, t) => calls.push([d, t]) });
    expect(calls.every(([, t]) => t === total)).toBe(true);
    const done = calls.map(([d]) => d);
    expect(done).toEqual([...done].sort((x, y) => x - y));
    // The capture and the .evtx are done before the export begins.
    expect(done).toContain(capture.length + evtx.length);
    expect(calls.at(-1)).toEqual([total, total]);
    // The same analysis without the callback.
    expect(a).toEqual(analyze(inputs));

    const many = Array.from({ length: 3000 }, (_, i) => ({ name: `s${i}.txt`, bytes: capture }));
    const told: Call[] = [];
    analyze(many, { oneDevice: true, onProgress: (d, t) => told.push([d, t]) });
    expect(told.length).toBeGreaterThan(100);
    expect(told.length).toBeLessThanOrEqual(1001);
    expect(told.at(-1)).toEqual([3000 * capture.length, 3000 * capture.length]);
  });

  it('the readers tell it in their own unit: an .evtx after each chunk, a text after each MiB', () => {
    const evtx = bytes('examples/events/udr-admin.evtx');
    const calls: Call[] = [];
    const n = [...readEvents(evtx, { onProgress: (d, t) => calls.push([d, t]) })].length;
    expect(n).toBeGreaterThan(0);
    // One chunk of 64 KiB after the 4 KiB header.
    expect(calls).toEqual([[evtx.length, evtx.length]]);
    const text = bigXml(2.5);
    const told: Call[] = [];
    [...readEvents(new TextEncoder().encode(text), { onProgress: (d, t) => told.push([d, t]) })];
    expect(told).toEqual([
      [1 << 20, text.length],
      [2 << 20, text.length],
      [text.length, text.length],
    ]);
  });
});
