// Every command alike (issue 16): help wrapped by commander alone and ending with examples, the
// same options spelled the same way, every error one line `dsreg-doctor <command>: ...`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, main } from '../src/cli/main.js';
import { memoryIO } from './helpers.js';

const HELPS = [[], ...COMMANDS.map((c) => [c.name]), ['serve', 'tokens'], ['serve', 'tokens', 'rotate']];

async function help(words: string[], columns: number, isTTY: boolean): Promise<string> {
  const m = memoryIO();
  m.io.isTTY = isTTY;
  m.io.columns = columns;
  expect(await main([...words, '--help'], m.io)).toBe(0);
  expect(m.err()).toBe('');
  return m.out();
}

/** The option terms a help lists: "-f, --format <format>", "--color" ... */
function optionTerms(text: string): string[] {
  const block = text.split('\nOptions:\n')[1]?.split('\n\n')[0] ?? '';
  return block
    .split('\n')
    .filter((l) => /^ {2}-/.test(l))
    .map((l) => l.trim().split(/ {2,}/)[0]!);
}

/**
 * Lines of a paragraph or of an option's description that end although the next word would have
 * fitted: a hard line break in the text, which comes out ragged at any width but the one it was
 * written for.
 */
function raggedLines(text: string, width: number): string[] {
  const lines = text.split('\n');
  const indent = (l: string) => l.length - l.trimStart().length;
  const bad: string[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const a = lines[i]!;
    const b = lines[i + 1]!;
    if (!a.trim() || !b.trim()) continue;
    const at = indent(b);
    // b goes on with a: a paragraph (both at the margin), or the description column of an item.
    const continues =
      at === 0
        ? indent(a) === 0 && !a.endsWith(':')
        : at > 2 && (indent(a) === at || (a[at - 1] === ' ' && a[at - 2] === ' ' && a[at] !== ' '));
    if (continues && a.length + 1 + b.trimStart().split(' ')[0]!.length <= width) bad.push(a);
  }
  return bad;
}

describe('help of every command', () => {
  for (const words of HELPS) {
    const name = words.length ? words.join(' ') : '(the program)';
    it(`${name}: no line over 80 columns in a pipe, examples last, a final newline`, async () => {
      const text = await help(words, 80, false);
      expect(text.endsWith('\n')).toBe(true);
      expect(text.endsWith('\n\n')).toBe(false);
      for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
      const parts = text.split('\nExamples:\n');
      expect(parts).toHaveLength(2);
      const examples = parts[1]!.trimEnd().split('\n');
      expect(examples.length).toBeGreaterThan(0);
      // One command a line; a long one goes on after ` \\`, indented further.
      examples.forEach((e, i) => {
        expect(e).toMatch(i > 0 && examples[i - 1]!.endsWith(' \\') ? /^ {4,}\S/ : /^ {2}\S/);
      });
      expect(examples.join('\n')).toContain('dsreg-doctor');
    });

    it(`${name}: wrapped by commander alone, so no line breaks early on a 100-column terminal`, async () => {
      const text = await help(words, 100, true);
      const [body] = text.split('\nExamples:\n');
      for (const line of body!.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
      expect(raggedLines(body!, 100)).toEqual([]);
    });
  }
});

describe('the same options everywhere', () => {
  // Where JSON is printed: -f json; where a report is printed: -o; where colour is: --color/--no-color.
  const expected: Record<string, string[]> = {
    diagnose: ['-f, --format <format>', '-o, --out <file>', '--color', '--no-color', '--now <time>'],
    events: ['-f, --format <format>', '-o, --out <file>', '--color', '--no-color'],
    lookup: ['-f, --format <format>', '-o, --out <file>', '--color', '--no-color'],
    probe: ['-f, --format <format>', '-o, --out <file>', '--color', '--no-color'],
    reconcile: ['-f, --format <format>', '-o, --out <file>', '--color', '--no-color', '--now <time>'],
    rules: ['-f, --format <format>', '-o, --out <file>', '--color', '--no-color'],
    redact: ['-o, --out <path>'],
  };
  for (const [command, options] of Object.entries(expected)) {
    it(`${command} has ${options.join(', ')}`, async () => {
      const terms = optionTerms(await help([command], 80, false));
      for (const o of options) expect(terms, o).toContain(o);
    });
  }

  for (const command of ['diagnose', 'events', 'lookup', 'probe', 'reconcile', 'rules']) {
    it(`${command} -f json is accepted`, async () => {
      const text = await help([command], 200, true);
      const format = text.split('\n').find((l) => l.includes('-f, --format'))!;
      expect(format).toMatch(/json/);
    });
  }

  it('events takes json and jsonl alike, and rules writes to -o', async () => {
    const files = { 'join.xml': readFileSync('test/fixtures/events/join-fail.wevtutil.xml') };
    const a = memoryIO(files);
    const b = memoryIO(files);
    expect(await main(['events', 'join.xml', '-f', 'json'], a.io)).toBe(0);
    expect(await main(['events', 'join.xml', '-f', 'jsonl'], b.io)).toBe(0);
    expect(a.out()).toBe(b.out());
    expect(a.out().trimEnd().split('\n')).toHaveLength(8);
    const dir = mkdtempSync(join(tmpdir(), 'dsreg-help-'));
    try {
      const r = memoryIO();
      expect(await main(['rules', '-f', 'md', '-o', join(dir, 'rules.md')], r.io)).toBe(0);
      expect(r.out()).toBe('');
      expect(readFileSync(join(dir, 'rules.md'), 'utf8')).toMatch(/^\| rule \| phase \|/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rules: colour with --color or on a terminal, none with --no-color', async () => {
    const a = memoryIO();
    await main(['rules', '--color'], a.io);
    expect(a.out()).toContain('\u001b[1m');
    const b = memoryIO();
    b.io.isTTY = true;
    await main(['rules', '--no-color'], b.io);
    expect(b.out()).not.toContain('\u001b[');
    const c = memoryIO();
    await main(['rules'], c.io);
    expect(c.out()).not.toContain('\u001b[');
  });

  it('reconcile: the text report coloured with --color, the same text without colour otherwise', async () => {
    const args = ['reconcile', 'examples/reconcile/ad-computers.csv', 'examples/reconcile/entra-devices.csv'];
    const now = ['--now', '2026-12-01T00:00:00Z', '--fail-on', 'never'];
    const plain = memoryIO();
    const colored = memoryIO();
    expect(await main([...args, ...now], plain.io)).toBe(0);
    expect(await main([...args, ...now, '--color'], colored.io)).toBe(0);
    expect(plain.out()).not.toContain('\u001b[');
    expect(colored.out()).toContain('\u001b[31mNOT-SYNCED');
    expect(colored.out().replace(/\u001b\[\d+m/g, '')).toBe(plain.out());
  });
});

describe('every error is one line, `dsreg-doctor <command>: ...`', () => {
  const cases: [string[], string, Record<string, string>?][] = [
    [['diagnose', 'missing.txt'], 'dsreg-doctor diagnose: missing.txt: no such file\n'],
    [['events', 'missing.evtx'], 'dsreg-doctor events: missing.evtx: no such file\n'],
    [['redact', 'missing.txt'], 'dsreg-doctor redact: missing.txt: no such file\n'],
    [['reconcile', 'missing.csv'], 'dsreg-doctor reconcile: missing.csv: no such file\n'],
    [['push', 'x'], 'dsreg-doctor push: give the server with --server http(s)://HOST:PORT\n'],
    [
      ['serve', '--tls-cert', 'c.pem'],
      'dsreg-doctor serve: give both --tls-cert and --tls-key, or neither\n',
    ],
    [
      ['rules', '-f', 'yaml'],
      "dsreg-doctor rules: --format: argument 'yaml' is invalid. Allowed choices are text, json, md.\n",
    ],
    [['events', 'x', '--wdie'], "dsreg-doctor events: unknown option '--wdie' (did you mean --wide?)\n"],
    [
      ['diagnose', 'x', '--now', 'soon'],
      'dsreg-doctor diagnose: --now: argument \'soon\' is invalid. give a date and time such as 2024-05-01T10:00:00Z or "2024-05-01 10:00:00.000 UTC"\n',
    ],
    [
      ['serve', 'tokens', 'rotate', '--only', 'x'],
      "dsreg-doctor serve: --only: argument 'x' is invalid. give ingest or admin\n",
    ],
  ];
  for (const [argv, line] of cases) {
    it(argv.join(' '), async () => {
      const m = memoryIO();
      expect(await main(argv, m.io)).toBe(2);
      expect(m.err()).toBe(line);
    });
  }
});

describe('the README documents every option of every command', () => {
  const readme = readFileSync('README.md', 'utf8');
  /** The README's text about a command: from its heading to the next heading of the same level. */
  const section = (heading: string): string => {
    const start = readme.indexOf(heading);
    expect(start, heading).toBeGreaterThanOrEqual(0);
    const level = /^#+/.exec(heading)![0];
    const next = readme.slice(start + heading.length).search(new RegExp(`\\n${level} `));
    return readme.slice(start, next < 0 ? undefined : start + heading.length + next);
  };
  const sections: [string[], string][] = [
    [['diagnose'], '### `dsreg-doctor diagnose'],
    [['lookup'], '### `dsreg-doctor lookup'],
    [['events'], '### `dsreg-doctor events'],
    [['redact'], '### `dsreg-doctor redact'],
    [['probe'], '### `dsreg-doctor probe'],
    [['rules'], '### `dsreg-doctor rules'],
    [['web'], '## The browser page'],
    [['reconcile'], '## Reconcile'],
    [['serve'], '## Fleet server'],
    [['serve', 'tokens', 'rotate'], '## Fleet server'],
    [['push'], '## Fleet server'],
  ];
  for (const [words, heading] of sections) {
    it(`${words.join(' ')}: every option of --help is in "${heading.replace(/^#+ /, '')}"`, async () => {
      const text = section(heading);
      const names = optionTerms(await help(words, 80, false))
        .flatMap((t) => t.match(/--[\w-]+/g) ?? [])
        .filter((n) => n !== '--help');
      expect(names.length).toBeGreaterThan(0);
      // --no-color beside --color is written `--color`, `--no-color` or `--[no-]color`.
      const missing = names.filter(
        (n) => !text.includes(`${n}`) && !(n.startsWith('--no-') && text.includes(`--[no-]${n.slice(5)}`)),
      );
      expect(missing).toEqual([]);
    });
  }
});
