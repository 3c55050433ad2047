// The Markdown report: what a ticket or a forum post gets. Structure on every sample, escaping of what
// would turn into markup, fences that survive backticks in evidence.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { diagnoseText } from '../src/diagnose.js';
import { mdInline, renderMarkdown } from '../src/report/markdown.js';
import type { Diagnosis } from '../src/types.js';
import { memoryIO } from './helpers.js';

const SAMPLES = '../shared/samples/dsregcmd/';
const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.txt'));

/** Lines outside fenced code blocks. */
function prose(md: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of md.split('\n')) {
    const m = /^(`{3,})/.exec(line);
    if (fence) {
      if (m && m[1]!.length >= fence.length && line.trim() === m[1]) fence = undefined;
      continue;
    }
    if (m) {
      fence = m[1];
      continue;
    }
    out.push(line);
  }
  expect(fence, 'every fence is closed').toBeUndefined();
  return out;
}

describe('renderMarkdown', () => {
  for (const f of files) {
    it(f, () => {
      const text = readFileSync(SAMPLES + f, 'utf8');
      const d = diagnoseText(text, f);
      const md = renderMarkdown(d, { generator: 'dsreg-doctor test' });
      const lines = md.split('\n');
      expect(lines[0]).toMatch(/^# dsreg-doctor: (FAILED|WARNING|HEALTHY|UNKNOWN)/);
      expect(md).toContain(`- **Findings:** `);
      const headings = lines.filter((l) => /^## \d+\. (ERROR|WARNING|NOTE)/.test(l));
      expect(headings.length).toBe(d.findings.length);
      // Every evidence line is there, with its line number.
      for (const e of d.findings.flatMap((x) => x.evidence)) {
        expect(md).toContain(`${e.line} | ${e.text.split('\n')[0]!.trim()}`);
      }
      // Outside code, no raw HTML: every < is escaped or opens an autolink.
      for (const line of prose(md)) {
        const stripped = line.replace(/`[^`]*`/g, '').replace(/<https:\/\/[^>\s]+>/g, '');
        expect(stripped, line).not.toMatch(/(?<!\\)</);
      }
      for (const u of d.findings.flatMap((x) => x.docs ?? [])) expect(md).toContain(`- <${u}>`);
      expect(md.endsWith('\n')).toBe(true);
    });
  }

  it('escapes what would become markup, keeps code spans, URLs and words with underscores', () => {
    expect(mdInline('Run `dsregcmd /status` as *admin* for <tenant-1> [now]')).toBe(
      'Run `dsregcmd /status` as \\*admin\\* for \\<tenant-1> \\[now\\]',
    );
    expect(mdInline('invalid_grant and _emph_ see https://learn.microsoft.com/x_y#a.')).toBe(
      'invalid_grant and \\_emph\\_ see <https://learn.microsoft.com/x_y#a>.',
    );
  });

  it('a finding, whole: codes, server error, cause, fix, evidence in a fence that survives backticks, links', () => {
    const d: Diagnosis = {
      schemaVersion: 1,
      verdict: 'failed',
      joinType: 'hybrid',
      phase: 'post-join',
      device: { name: '<computer-1>', tenantName: '<tenant-name-1>' },
      prt: { azureAdPrt: false },
      findings: [
        {
          id: 'aadsts50126',
          severity: 'error',
          phase: 'post-join',
          title: 'No PRT: bad password (AADSTS50126)',
          codes: [{ hex: '0xc000006d', name: 'STATUS_LOGON_FAILURE', signed: -1073741715 }],
          serverErrorCode: 'AADSTS50126',
          evidence: [{ source: 's.txt', line: 7, text: 'Server Error Description : ```odd``` text' }],
          cause: 'The password was wrong.',
          fix: ['Sign in again.', 'Check `sync`.'],
          docs: ['https://learn.microsoft.com/entra/identity/devices/x#y'],
        },
      ],
      nextSteps: ['Read the AAD log.'],
      sources: ['s.txt'],
    };
    expect(renderMarkdown(d, { generator: 'dsreg-doctor 0.1.0', redacted: true })).toBe(
      [
        '# dsreg-doctor: FAILED in the post-join phase (Primary Refresh Token)',
        '',
        '> Identifiers (tenant, device, user, domain and computer names, thumbprints, key and request IDs) are replaced with pseudonyms; the same value always has the same pseudonym.',
        '',
        '- **Verdict:** FAILED in the post-join phase (Primary Refresh Token)',
        '- **Join type:** Microsoft Entra hybrid joined',
        '- **Phase:** precheck → discover → auth → join → **[PRT]**',
        '- **Device:** \\<computer-1>, tenant \\<tenant-name-1>',
        '- **PRT:** no',
        '- **Findings:** 1 error, 0 warnings, 0 notes',
        '',
        '## 1. ERROR [post-join]: No PRT: bad password (AADSTS50126)',
        '',
        '- **Rule:** `aadsts50126`',
        '- **Codes:** `0xc000006d` STATUS_LOGON_FAILURE (-1073741715)',
        '- **Server error:** `AADSTS50126`',
        '',
        '**Cause.** The password was wrong.',
        '',
        '**Fix.**',
        '',
        '1. Sign in again.',
        '2. Check `sync`.',
        '',
        '**Evidence.**',
        '',
        '`s.txt`',
        '',
        '````text',
        '7 | Server Error Description : ```odd``` text',
        '````',
        '',
        '**Documentation.**',
        '',
        '- <https://learn.microsoft.com/entra/identity/devices/x#y>',
        '',
        '## Next steps',
        '',
        '- Read the AAD log.',
        '',
        '## Inputs',
        '',
        '- `s.txt`',
        '',
        '---',
        '',
        "*Written by dsreg-doctor 0.1.0, with identifiers redacted. Findings follow Microsoft's hybrid join troubleshooting guide: <https://learn.microsoft.com/entra/identity/devices/troubleshoot-hybrid-join-windows-current>*",
        '',
      ].join('\n'),
    );
  });

  it('event logs add the timeline of attempts', async () => {
    const m = memoryIO({
      'udr.xml': new Uint8Array(readFileSync('test/fixtures/events/join-fail.wevtutil.xml')),
    });
    expect(await main(['diagnose', 'udr.xml', '--format', 'md'], m.io)).toBe(1);
    const md = m.out();
    expect(md).toContain('## Timeline from the event logs');
    expect(md).toContain('- **Join:** 2 attempts, 2 failed, no success recorded');
    expect(md).toMatch(/2026-10-03 08:58:32 UTC {2}join {2}FAILED {2}join phase: DSREG_E_DIRECTORY_FAILURE/);
    expect(md).toMatch(/#48 \| Event 304: ExitCode=0x801c03f2/);
  });
});
