// A short capture whose value carries terminal sequences is still a capture (the renderers show the
// sequences as symbols); binary data is still refused.
import { describe, expect, it } from 'vitest';
import { sniff } from '../src/input/sniff.js';

const capture = [
  'AzureAdJoined : YES',
  'DomainJoined : YES',
  'Device Name : pc1.corp.example',
  'TenantName : \u001b]52;c;aGVsbG8=\u0007Contoso\u001b[2J\b',
  '',
].join('\n');

describe('sniff and terminal sequences', () => {
  it('reads a short capture with OSC 52, CSI 2J, BEL and backspace in a value as a capture', () => {
    expect(sniff(new TextEncoder().encode(capture), 'ctl.txt').kind).toBe('dsregcmd');
  });

  it('still refuses binary data', () => {
    let x = 12345;
    const bytes = new Uint8Array(4096).map(() => {
      x = (x * 1103515245 + 12345) >>> 0;
      return x >>> 24;
    });
    expect(sniff(bytes, 'random.bin').kind).toBe('binary');
  });
});
