// The core runs unchanged in a browser: no Node.js module, no clock, outside the edge folders.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const EDGE = new Set(['src/cli', 'src/node', 'src/probe', 'src/server']);

function files(dir: string): string[] {
  if (EDGE.has(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(p) ? [p] : [];
  });
}

describe('the core', () => {
  const core = files('src');
  it('covers the pipeline folders', () => {
    for (const d of [
      'src/dsregcmd/',
      'src/evtx/',
      'src/events/',
      'src/kb/',
      'src/rules/',
      'src/report/',
      'src/redact/',
      'src/story/',
    ]) {
      expect(
        core.some((f) => f.startsWith(d)),
        d,
      ).toBe(true);
    }
  });
  it('covers the report components (.tsx) too', () => {
    expect(core.filter((f) => f.endsWith('.tsx')).length).toBeGreaterThan(3);
  });
  it('imports no Node.js module and reads no clock', () => {
    for (const f of core) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toMatch(/from ['"](node:|fs|path|os|child_process|net|tls|http|https)['"/]/);
      expect(text, f).not.toMatch(/\bDate\.now\(\)|new Date\(\)/);
      expect(text, f).not.toMatch(/\bprocess\./);
    }
  });
});
