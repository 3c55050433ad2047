// The rules as a whole: one file and one test file per rule, `rules --format json` listing the
// same rules as test/rules/, the README's list of checks equal to `rules --format md`, and the
// knowledge base's server errors declared by the rules that report them. The cases of each rule
// are in test/rules/<rule-id>.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { SERVER_ERRORS } from '../src/kb/guide-codes.js';
import { RENEW_DEVICE_MISSING } from '../src/kb/registration-records.js';
import { JOIN_FAILURE_FINDINGS, PRT_FAILURE_FINDINGS } from '../src/rules/findings.js';
import { RULES } from '../src/rules/index.js';
import { memoryIO } from './helpers.js';
import { contract } from './schema.js';

/** The files of src/rules that are not rules: the list, defineRule and the helpers rules share. */
const NOT_RULES = ['index.ts', 'rule.ts', 'util.ts', 'findings.ts'];

/** One diagnosis (pretty-printed), or one per line (JSON Lines, several devices). */
function parseJson(text: string): { findings: { id: string; rule: string }[] }[] {
  try {
    return [JSON.parse(text)];
  } catch {
    return text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
  }
}

async function listing(format: string): Promise<string> {
  const m = memoryIO();
  expect(await main(['rules', '--format', format], m.io)).toBe(0);
  return m.out();
}

describe('the rules', () => {
  it('are one file each, src/rules/<rule-id>.ts, exporting the rule', async () => {
    const files = readdirSync('src/rules')
      .filter((f) => f.endsWith('.ts') && !NOT_RULES.includes(f))
      .map((f) => f.slice(0, -3));
    expect(files.sort()).toEqual(RULES.map((r) => r.id).sort());
    for (const rule of RULES) {
      const mod: Record<string, unknown> = await import(`../src/rules/${rule.id}.ts`);
      expect(Object.values(mod), rule.id).toContain(rule);
    }
  });

  it('`rules --format json` and the files of test/rules/ list the same rules', async () => {
    const json = JSON.parse(await listing('json')) as { id: string; findings: { id: string }[] }[];
    const tests = readdirSync('test/rules')
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => f.slice(0, -'.test.ts'.length));
    expect(json.map((r) => r.id).sort()).toEqual(tests.sort());
    expect(json.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
  });

  it('`rules --format json` gives each rule its metadata and declared findings', async () => {
    const json = JSON.parse(await listing('json'));
    for (const [i, rule] of RULES.entries()) {
      expect(json[i]).toEqual({
        id: rule.id,
        description: rule.description,
        phase: rule.phase,
        step: rule.step,
        docs: rule.docs,
        findings: Object.entries(rule.findings).map(([id, f]) => ({
          id,
          severity: f.severity,
          title: f.title,
        })),
      });
      expect(json[i].docs.length).toBeGreaterThan(0);
    }
  });

  it('the README list of checks is `rules --format md`', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf('<!-- rules:start');
    const end = readme.indexOf('<!-- rules:end -->');
    expect(start).toBeGreaterThan(0);
    const table = readme.slice(readme.indexOf('\n', start) + 1, end);
    expect(table).toBe(await listing('md'));
    for (const rule of RULES) expect(table).toContain(`\`${rule.id}\``);
  });

  it('the text listing fits 80 columns and names every declared finding', async () => {
    const text = await listing('text');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    for (const rule of RULES) for (const id of Object.keys(rule.findings)) expect(text).toContain(id);
  });

  it('declare every server error of the knowledge base that they can report, with its title', () => {
    for (const e of [...SERVER_ERRORS, RENEW_DEVICE_MISSING]) {
      if (e.family === 'aadsts') {
        expect(PRT_FAILURE_FINDINGS, e.id).toHaveProperty(e.id);
      } else if (e.messagePattern || e === RENEW_DEVICE_MISSING) {
        expect(JOIN_FAILURE_FINDINGS, e.id).toHaveProperty(e.id);
        expect(JOIN_FAILURE_FINDINGS[e.id as keyof typeof JOIN_FAILURE_FINDINGS].title).toBe(e.title);
      }
    }
  });

  it('name themselves in every finding of `diagnose --format json`, which the contract accepts', async () => {
    const validate = contract('diagnosis');
    const dir = '../shared/samples/dsregcmd';
    const byId = new Map(RULES.map((r) => [r.id, r]));
    let findings = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.txt'))) {
      const m = memoryIO({ [f]: readFileSync(`${dir}/${f}`) });
      await main(['diagnose', f, '--format', 'json'], m.io);
      for (const d of parseJson(m.out())) {
        expect(validate(d), f).toBe('');
        for (const finding of d.findings) {
          expect(byId.get(finding.rule)?.findings, `${f}: ${finding.id}`).toHaveProperty(finding.id);
          findings++;
        }
      }
    }
    expect(findings).toBeGreaterThan(10);
  });

  it('give every finding id to one meaning: two rules declaring an id declare it alike', () => {
    const seen = new Map<string, { severity: string; title: string }>();
    for (const rule of RULES) {
      for (const [id, f] of Object.entries(rule.findings)) {
        const before = seen.get(id);
        if (before) expect(f, `${id} in ${rule.id}`).toEqual(before);
        seen.set(id, f);
      }
    }
  });
});
