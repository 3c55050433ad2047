import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { memoryIO } from './helpers.js';

describe('cli', () => {
  it('prints help and exits 0', async () => {
    const m = memoryIO();
    expect(await main(['--help'], m.io)).toBe(0);
    expect(m.out()).toContain('Usage: dsreg-doctor');
  });
  it('rejects an unknown command with exit 2', async () => {
    const m = memoryIO();
    expect(await main(['frobnicate'], m.io)).toBe(2);
    expect(m.err()).toMatch(/unknown command/);
  });
});
