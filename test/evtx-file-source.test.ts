// The Node file source: the same records as from bytes in memory, one chunk per read.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesSource, readEvtx } from '../src/evtx/index.js';
import { openFileSource } from '../src/node/file-source.js';

const FILE = '../shared/samples/evtx/system.evtx';

describe('openFileSource', () => {
  it('reads the same records as the bytes in memory, never more than a chunk at a time', () => {
    const source = openFileSource(FILE);
    const lengths: number[] = [];
    const read = source.read.bind(source);
    source.read = (offset, length) => {
      const b = read(offset, length);
      lengths.push(b.length);
      return b;
    };
    try {
      const fromFile = [...readEvtx(source)];
      const fromBytes = [...readEvtx(bytesSource(readFileSync(FILE)))];
      expect(fromFile).toHaveLength(1881);
      expect(fromFile).toEqual(fromBytes);
      expect(Math.max(...lengths)).toBe(65536);
    } finally {
      source.close();
    }
  });

  it('returns fewer bytes only at the end of the file', () => {
    const source = openFileSource(FILE);
    try {
      expect(source.size).toBe(1118208);
      expect(source.read(source.size - 10, 100)).toHaveLength(10);
      expect(source.read(source.size + 5, 100)).toHaveLength(0);
      expect([...source.read(0, 8)]).toEqual([...Buffer.from('ElfFile\0', 'latin1')]);
    } finally {
      source.close();
    }
  });

  it('throws the file system error for a missing file (the caller reports it)', () => {
    expect(() => openFileSource('../shared/samples/evtx/no-such-file.evtx')).toThrow(/ENOENT/);
  });
});
