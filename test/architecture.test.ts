// The folders follow the pipeline, and imports run one way along it:
//   input -> dsregcmd / evtx -> events -> (sniff) -> story -> kb -> rules -> diagnose -> report
// with cli/, node/, server/, probe/ and web/ at the edge. A module may import from its own layer or
// an earlier one, never from a later layer or from the edge.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The core's layers, first to last; a path is matched by its longest listed prefix. */
const LAYERS: readonly (readonly string[])[] = [
  // What every layer shares: the pipeline's shapes (and the types generated from the contracts),
  // and the verdict of a list of findings, which reads nothing but those shapes.
  ['src/types.ts', 'src/verdict.ts', 'src/contract/'],
  // Bytes: decoding, containers, the signatures of formats.
  ['src/input/'],
  // The readers of the two input formats.
  ['src/dsregcmd/', 'src/evtx/'],
  // Event exports of every kind, read into the .evtx reader's record type.
  ['src/events/'],
  // Deciding what an input is asks each reader whether the bytes are its own, so it comes after them.
  ['src/input/sniff.ts', 'src/input/bundle.ts'],
  // The model of one device that rules read: captures, records and the attempts they tell.
  ['src/story/', 'src/evidence.ts', 'src/facts.ts'],
  ['src/kb/'],
  ['src/rules/'],
  ['src/analyze.ts', 'src/diagnose.ts'],
  ['src/report/', 'src/redact/', 'src/reconcile/'],
];

/** Around the core: they may import anything in it; nothing in the core imports them. */
const EDGE = ['src/cli/', 'src/node/', 'src/server/', 'src/probe/', 'src/index.ts', 'web/'];

type Place = { layer: number } | { edge: true } | undefined;

function placeOf(path: string): Place {
  let best: { prefix: string; layer: number } | undefined;
  LAYERS.forEach((prefixes, layer) => {
    for (const prefix of prefixes) {
      if (
        (path === prefix || (prefix.endsWith('/') && path.startsWith(prefix))) &&
        prefix.length > (best?.prefix.length ?? -1)
      ) {
        best = { prefix, layer };
      }
    }
  });
  if (best) return { layer: best.layer };
  if (EDGE.some((p) => path === p || (p.endsWith('/') && path.startsWith(p)))) return { edge: true };
  return undefined;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

// Static imports and re-exports, type-only ones included, and dynamic import() of a literal path.
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;

interface Edge {
  from: string;
  to: string;
}

function importsOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  const out: Edge[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (!spec.startsWith('.')) continue;
    const target = normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts');
    const to = relative('.', target).split('\\').join('/');
    out.push({ from: relative('.', file).split('\\').join('/'), to: to.endsWith('.ts') ? to : `${to}.ts` });
  }
  return out;
}

/** What is wrong with one import, or undefined. */
function violation(e: Edge): string | undefined {
  const from = placeOf(e.from);
  const to = placeOf(e.to.startsWith('src/') || e.to.startsWith('web/') ? e.to : `src/${e.to}`);
  if (!from) return `${e.from}: not in any layer of the pipeline (add its folder to LAYERS or EDGE)`;
  if ('edge' in from) return undefined;
  if (!to) return undefined; // outside src and web: generated or third-party code
  if ('edge' in to) return `${e.from} imports ${e.to}, which is at the edge`;
  if (to.layer > from.layer) return `${e.from} imports ${e.to}, which comes later in the pipeline`;
  return undefined;
}

const FILES = [...sourceFiles('src'), ...sourceFiles('web/src')];
const EDGES = FILES.flatMap(importsOf);

describe('architecture', () => {
  it('reads the imports of every source file', () => {
    expect(FILES.length).toBeGreaterThan(80);
    // A few imports any reader of the code can check by eye.
    expect(EDGES).toContainEqual({ from: 'src/events/read.ts', to: 'src/evtx/index.ts' });
    expect(EDGES).toContainEqual({ from: 'src/diagnose.ts', to: 'src/rules/index.ts' });
    expect(EDGES).toContainEqual({ from: 'src/cli/commands/diagnose.ts', to: 'src/analyze.ts' });
  });

  it('tells an import that runs back up the pipeline from one that follows it', () => {
    expect(violation({ from: 'src/evtx/chunk.ts', to: 'src/events/types.ts' })).toMatch(
      /later in the pipeline/,
    );
    expect(violation({ from: 'src/rules/prt.ts', to: 'src/diagnose.ts' })).toMatch(/later in the pipeline/);
    expect(violation({ from: 'src/input/zip.ts', to: 'src/input/sniff.ts' })).toMatch(
      /later in the pipeline/,
    );
    expect(violation({ from: 'src/report/text.ts', to: 'src/cli/io.ts' })).toMatch(/at the edge/);
    expect(violation({ from: 'src/newthing/x.ts', to: 'src/types.ts' })).toMatch(/not in any layer/);
    expect(violation({ from: 'src/events/read.ts', to: 'src/evtx/index.ts' })).toBeUndefined();
    expect(violation({ from: 'src/cli/main.ts', to: 'src/diagnose.ts' })).toBeUndefined();
  });

  it('every source file sits in a layer or at the edge', () => {
    const unplaced = FILES.map((f) => relative('.', f).split('\\').join('/')).filter((f) => !placeOf(f));
    expect(unplaced).toEqual([]);
  });

  it('no import in the core runs back up the pipeline or out to the edge', () => {
    const wrong = EDGES.map(violation).filter((v): v is string => v !== undefined);
    expect(wrong).toEqual([]);
  });

  it('the .evtx reader owns its record type: src/evtx imports nothing outside itself but the shared types', () => {
    const out = EDGES.filter((e) => e.from.startsWith('src/evtx/') && !e.to.startsWith('src/evtx/'));
    expect(out.filter((e) => e.to !== 'src/types.ts')).toEqual([]);
  });
});
