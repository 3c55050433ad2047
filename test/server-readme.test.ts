// The README's real check-in: each `$ curl` of the fleet server's example block is sent to a server
// (embedded database, the README's tokens, its date) and must get exactly the answer printed under it.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type Running, startFleet } from './server-helpers.js';

const readme = readFileSync('README.md', 'utf8');
const block =
  /A real check-in and what the server says[\s\S]*?```text\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

interface Call {
  command: string;
  headers: Record<string, string>;
  body?: Buffer;
  path: string;
  expected: string;
}

/** The curl commands of the block (with their `\` continuations) and the line printed after each. */
function calls(text: string): Call[] {
  const out: Call[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('$ curl ')) continue;
    let command = lines[i]!.slice(2);
    while (command.endsWith('\\')) command = `${command.slice(0, -1)} ${lines[++i]!.trim()}`;
    const expected = lines[i + 1] ?? '';
    const headers: Record<string, string> = {};
    for (const m of command.matchAll(/-H '([^:]+): ([^']*)'/g)) headers[m[1]!] = m[2]!;
    const data = /--data-binary (\S+)/.exec(command)?.[1];
    const url = /(http:\/\/\S+)/.exec(command)![1]!;
    out.push({
      command,
      headers,
      ...(data ? { body: data.startsWith('@') ? readFileSync(data.slice(1)) : Buffer.from(data) } : {}),
      path: new URL(url).pathname,
      expected,
    });
  }
  return out;
}

describe('the README check-in example', () => {
  let s: Running;
  let cleanup: () => void;
  beforeAll(async () => {
    const d = await freshDb('embedded');
    cleanup = d.cleanup;
    s = await startFleet(await d.open(), {
      env: { DSREG_DOCTOR_INGEST_TOKEN: 'ingest-example', DSREG_DOCTOR_ADMIN_TOKEN: 'admin-example' },
      now: () => new Date('2026-12-01T09:30:00Z'),
    });
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
    cleanup?.();
  });

  it('has curl commands with their answers', () => {
    expect(calls(block).length).toBeGreaterThanOrEqual(3);
  });

  for (const c of calls(block)) {
    it(c.command.slice(0, 90), async () => {
      const res = await fetch(`${s.url}${c.path}`, {
        method: c.body ? 'POST' : 'GET',
        headers: c.headers,
        ...(c.body ? { body: new Uint8Array(c.body) } : {}),
      });
      expect(await res.text()).toBe(`${c.expected}\n`);
    });
  }
});
