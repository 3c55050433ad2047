// The renderers on hostile and long inputs: control sequences of the input never reach the output
// (our own colour codes do), time stays linear, large lists never overflow the stack, and long
// reports stay readable (the last 20 attempts, no fix given twice, sub-steps nested).
import { readFileSync } from 'node:fs';
import { createColors } from 'picocolors';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { analyzeInputs } from '../src/diagnose.js';
import { renderHtml } from '../src/report/html.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { cleanText } from '../src/report/sanitize.js';
import { stepParts } from '../src/report/steps.js';
import { renderText } from '../src/report/text.js';
import { wrap } from '../src/report/wrap.js';
import type { Diagnosis } from '../src/types.js';
import { memoryIO } from './helpers.js';

const CAPTURE = 'examples/dsregcmd/join-fail-device-not-synced.txt';
const EVENTS = 'examples/events/join-fail.wevtutil.xml';

function diagnose(name: string, text: string): Diagnosis {
  return analyzeInputs([{ name, bytes: new TextEncoder().encode(text) }], {}).diagnosis;
}

// What a hostile value carries: OSC 52 (writes the clipboard), CSI 2J (clears the screen), an OSC 8
// hyperlink, BEL, backspaces, a carriage return, a C1 CSI and a right-to-left override.
const HOSTILE =
  '\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007\u0008\u0008x\ry\u009b2J\u202eevil';

/** The capture with the hostile text in the server message and the device name. */
function hostileCapture(): string {
  return readFileSync(CAPTURE, 'utf8')
    .replace('The device object by the given id', `${HOSTILE} The device object by the given id`)
    .replace(/(Device Name : )(\S+)/, `$1$2${HOSTILE}`);
}

/** Control characters other than newline and tab, and our own colour codes taken out first. */
function controls(out: string): string[] {
  const found = out
    .replace(/\u001b\[[0-9;]*m/g, '')
    .match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g);
  return found ?? [];
}

describe('control characters of the input', () => {
  it('are shown as symbols, never sent, in text, Markdown and HTML (our colours stay)', async () => {
    const text = hostileCapture();
    const d = diagnose('status.txt', text);
    expect(JSON.stringify(d)).toContain('\\u001b]52');
    const colored = renderText(d, { colors: createColors(true) });
    const outputs = {
      text: renderText(d),
      colored,
      md: renderMarkdown(d),
      html: renderHtml(d, { inputs: [{ name: 'status.txt', text }] }),
    };
    for (const [format, out] of Object.entries(outputs)) {
      expect(controls(out), format).toEqual([]);
      expect(out, format).toContain('␛]52;c;ZXZpbA==␇␛[2J');
    }
    // Our own colour codes are still there.
    expect(colored).toMatch(/\u001b\[1m/);
  });

  it('the CLI prints none in any human format', async () => {
    for (const format of ['text', 'md', 'html']) {
      const m = memoryIO({ 'status.txt': hostileCapture() });
      expect(await main(['diagnose', 'status.txt', '-f', format, '--color'], m.io)).toBe(1);
      expect(controls(m.out()), format).toEqual([]);
      expect(controls(m.err()), format).toEqual([]);
    }
  });

  it('a lookup query with control characters is shown, not sent', async () => {
    const m = memoryIO();
    await main(['lookup', `0x801c03f2\u001b[2J`, `TIME\u0007OUT`], m.io);
    expect(controls(m.out() + m.err())).toEqual([]);
    expect(m.err()).toContain('␛[2J');
  });

  it('cleanText keeps newlines, tabs and every printable character', () => {
    expect(cleanText('a\tb\nc é 中 ✓')).toBe('a\tb\nc é 中 ✓');
    expect(cleanText('\u0000\u001b\u007f\u0085\u2066')).toBe('␀␛␡<U+0085><U+2066>');
  });
});

/** CPU milliseconds of this process (a busy machine delays a run, but does not add to its CPU time). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * The CPU time of `large` once over that of `small` run `times` times (as much input in all):
 * about 1 for linear work, `times` for quadratic work. Each is run once to warm up, then five
 * rounds taking turns, the best of each; both measure the same amount of work, so the machine's
 * load weighs on them alike.
 */
function ratio(small: () => void, large: () => void, times: number): number {
  const many = () => {
    for (let i = 0; i < times; i++) small();
  };
  many();
  large();
  let bs = Number.POSITIVE_INFINITY;
  let bl = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    let t = cpuMs();
    many();
    bs = Math.min(bs, cpuMs() - t);
    t = cpuMs();
    large();
    bl = Math.min(bl, cpuMs() - t);
  }
  return bl / bs;
}

describe('linear time', () => {
  // Eight times the input (three doublings) against eight runs of the small one: linear work takes
  // about as long, quadratic work 8 times as long (each doubling quadruples). The bound is 3.
  it('the HTML report of a <br/>-rich capture: doubling the input does not quadruple the time', () => {
    const base = readFileSync(CAPTURE, 'utf8').split(/\r?\n/).join('<br/>');
    const make = (n: number) => `${base}<br/>${'Filler : x<br/>'.repeat(n)}`;
    const small = make(10000);
    const large = make(80000);
    const ds = diagnose('x.txt', small);
    const dl = diagnose('x.txt', large);
    expect(ds.findings.length).toBeGreaterThan(0);
    const r = ratio(
      () => renderHtml(ds, { inputs: [{ name: 'x.txt', text: small }] }),
      () => renderHtml(dl, { inputs: [{ name: 'x.txt', text: large }] }),
      8,
    );
    expect(r).toBeLessThan(3);
  }, 60_000);

  it('text and Markdown of a long server message: doubling the input does not quadruple the time', () => {
    const d = diagnose('status.txt', readFileSync(CAPTURE, 'utf8'));
    const withCause = (n: number): Diagnosis => ({
      ...d,
      findings: d.findings.map((f) => ({ ...f, cause: `${f.cause} ${'word '.repeat(n)}` })),
    });
    // Sizes at which each run takes tens of milliseconds or more, so that timer noise does not count.
    for (const [render, n] of [
      [(x: Diagnosis) => renderText(x), 100000],
      [(x: Diagnosis) => renderMarkdown(x), 250000],
    ] as const) {
      const small = withCause(n);
      const large = withCause(8 * n);
      expect(
        ratio(
          () => render(small),
          () => render(large),
          8,
        ),
      ).toBeLessThan(3);
    }
  }, 60_000);
});

describe('large lists', () => {
  it('never overflow the stack: 150,000 evidence lines, a 2 MB message, 150,000 attempts', () => {
    const d = analyzeInputs(
      [
        { name: 'status.txt', bytes: readFileSync(CAPTURE) },
        { name: 'events.xml', bytes: readFileSync(EVENTS) },
      ],
      {},
    ).diagnosis;
    const f = d.findings[0]!;
    const timeline = d.timeline!;
    const big: Diagnosis = {
      ...d,
      findings: [
        {
          ...f,
          cause: 'word '.repeat(400000),
          evidence: Array.from({ length: 150000 }, (_, i) => ({ ...f.evidence[0]!, line: i + 1 })),
        },
      ],
      timeline: Array.from({ length: 150000 }, (_, i) => timeline[i % timeline.length]!),
    };
    const text = renderText(big, { allAttempts: true });
    expect(text.split('\n').length).toBeGreaterThan(300000);
    const md = renderMarkdown(big, { allAttempts: true });
    expect(md.split('\n').length).toBeGreaterThan(300000);
  }, 60_000);
});

describe('long reports stay readable', () => {
  const real = analyzeInputs(
    [
      { name: 'status.txt', bytes: readFileSync(CAPTURE) },
      { name: 'events.xml', bytes: readFileSync(EVENTS) },
    ],
    {},
  ).diagnosis;
  // Fifty attempts, as a device retrying every hour for two days leaves them.
  const timeline = Array.from({ length: 50 }, (_, i) => ({
    ...real.timeline![i % real.timeline!.length]!,
    time: new Date(Date.UTC(2026, 9, 1) + i * 3600_000).toISOString(),
  }));
  const long: Diagnosis = { ...real, timeline };

  it('the timeline shows the last 20 attempts and how many more there are; all with allAttempts', () => {
    const hint = '--all shows every attempt';
    const text = renderText(long, { allAttemptsHint: hint });
    const rows = text.split('\n').filter((l) => /^ {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}join/.test(l));
    expect(rows).toHaveLength(20);
    expect(rows[0]).toContain('2026-10-02 06:00:00');
    expect(rows[19]).toContain('2026-10-03 01:00:00');
    expect(text).toContain('30 earlier attempts are not shown (--all shows every attempt).');
    const all = renderText(long, { allAttempts: true });
    expect(all.split('\n').filter((l) => /^ {2}\d{4}-.* {2}join/.test(l))).toHaveLength(50);
    expect(all).not.toContain('not shown');
    const md = renderMarkdown(long);
    // Without a hint (a caller that offers no way to see them all), none is named.
    expect(md).toContain('*30 earlier attempts are not shown.*');
    expect(md.split('\n').filter((l) => /^\d{4}-\d\d-\d\d .*UTC {2}join/.test(l))).toHaveLength(20);
    const html = renderHtml(long);
    expect(html.match(/<tr class="failure">/g)).toHaveLength(20);
    expect(html).toContain('30 earlier attempts are not shown');
  });

  it('no fix is given twice: a finding with the same steps points back, next steps drop repeats', () => {
    const f = real.findings[0]!;
    const twice: Diagnosis = {
      ...real,
      findings: [f, { ...f, id: 'same-fix', title: 'A second finding with the same fix' }],
      nextSteps: [f.fix![0]!, ...(real.nextSteps ?? [])],
    };
    const text = renderText(twice);
    const step = f.fix![0]!.slice(0, 40);
    expect(text.split(step).length - 1).toBe(1);
    expect(text.replace(/\s+/g, ' ')).toContain(`Fix as for "${f.title}" above`);
    const md = renderMarkdown(twice);
    expect(md.split(step).length - 1).toBe(1);
    expect(md).toContain(`**Fix.** As for “${f.title}” above.`);
    const html = renderHtml(twice);
    expect(html.split(step).length - 1).toBe(1);
  });

  it('sub-steps are nested under their step in text, Markdown and HTML', () => {
    const f = real.findings[0]!;
    const nested: Diagnosis = {
      ...real,
      findings: [
        {
          ...f,
          fix: [
            'Check the proxy settings:\n- of the computer account (netsh winhttp show proxy);\n- of the signed-in user.',
            'Run the join again.',
          ],
        },
      ],
    };
    expect(stepParts(nested.findings[0]!.fix![0]!)).toEqual({
      text: 'Check the proxy settings:',
      subs: ['of the computer account (netsh winhttp show proxy);', 'of the signed-in user.'],
    });
    const text = renderText(nested);
    expect(text).toContain(
      [
        '  Fix       - Check the proxy settings:',
        '              - of the computer account (netsh winhttp show proxy);',
        '              - of the signed-in user.',
        '            - Run the join again.',
      ].join('\n'),
    );
    const md = renderMarkdown(nested);
    expect(md).toContain(
      [
        '1. Check the proxy settings:',
        '   - of the computer account (netsh winhttp show proxy);',
        '   - of the signed-in user.',
        '2. Run the join again.',
      ].join('\n'),
    );
    expect(renderHtml(nested)).toContain(
      '<li>Check the proxy settings:<ul><li>of the computer account (netsh winhttp show proxy);</li><li>of the signed-in user.</li></ul></li>',
    );
  });
});

describe('one wrapping function', () => {
  it('wraps by terminal columns: wide characters count twice, long URLs stay whole', () => {
    expect(wrap('一二三四五 六七八九十 abc', 14, '  ')).toEqual(['  一二三四五', '  六七八九十', '  abc']);
    const url = 'https://learn.microsoft.com/entra/identity/devices/troubleshoot-hybrid-join-windows-current';
    expect(wrap(`See ${url} now`, 40, '    ', 'Docs ')).toEqual(['Docs See', `    ${url}`, '    now']);
    expect(wrap('a b c d e f', 7, '  ', '- ')).toEqual(['- a b c', '  d e f']);
  });
});

describe('HTML links and colours', () => {
  it('links only the official documentation; URLs from the input are text', () => {
    const text = readFileSync(CAPTURE, 'utf8').replace(
      'The device object by the given id',
      'See https://evil.example/login?x=1 for details. The device object by the given id',
    );
    const d = diagnose('status.txt', text);
    const html = renderHtml(d, { inputs: [{ name: 'status.txt', text }] });
    expect(html).toContain('<span class="url">https://evil.example/login?x=1</span>');
    expect(html).not.toContain('href="https://evil.example');
    expect(html).toMatch(
      /<a href="https:\/\/learn\.microsoft\.com\/entra\/identity\/devices\/troubleshoot-hybrid-join-windows-current#join-phase">Microsoft Learn: join phase<\/a>/,
    );
  });
  it('follows prefers-color-scheme like the page', () => {
    const html = renderHtml(diagnose('status.txt', readFileSync(CAPTURE, 'utf8')));
    expect(html).toContain('color-scheme:light dark');
    expect(html).toMatch(/@media \(prefers-color-scheme:dark\)\{:root\{--fg:#e6e8eb/);
  });
});
