// Translated labels and localized values. dsregcmd prints its keys and YES/NO in English, but
// machine translation of a forum post, or a script that localizes its report, turns them into
// `Ja`/`Nej`, `Oui`/`Non`, `はい`/`いいえ` and labels in the reader's language. The meaning is kept
// when the structure is recognizable: a flag's value in any of these languages reads as YES or NO,
// and an unknown label takes the place of the known key the layout prints there (the keys before
// and after it are known, and its value has the shape of that key's: a flag or not).
import { FLAG_KEYS, KEY_NAMES, KEY_ORDER, KNOWN_KEYS } from './keys.js';
import type { DsregField } from './parse.js';

const YES = new Set(
  'yes ja oui sí si sì tak sim да так はい 是 예 네 evet igen kyllä ano áno da jah jā taip ναι כן نعم có ya ใช่ jes'.split(
    ' ',
  ),
);
const NO = new Set(
  'no nej non nein nee nei não nao нет ні いいえ 否 아니요 아니오 hayır hayir nem ei ne nie όχι לא لا không tidak ไม่ ne'.split(
    ' ',
  ),
);

/** YES, NO, or undefined for a value that is not a yes/no word in one of the languages above. */
export function yesNo(value: string): 'YES' | 'NO' | undefined {
  const first = value.trim().split(/[\s(]/)[0]!.toLowerCase();
  if (YES.has(first)) return 'YES';
  if (NO.has(first)) return 'NO';
  return undefined;
}

const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;
const TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/;
// The value a key prints, where its shape is distinctive (../shared/reference/dsregcmd-fields.md):
// an unknown label only takes a key whose value it could be.
const SHAPES: Record<string, RegExp> = {
  domainname: /^[A-Za-z0-9][A-Za-z0-9-]{0,14}$/,
  virtualdesktop: /^NOT SET$/i,
  devicename: /^[A-Za-z0-9][A-Za-z0-9.-]*$/,
  deviceid: GUID,
  tenantid: GUID,
  keycontainerid: GUID,
  thumbprint: /^[0-9A-F]{40}$/i,
  tenantname: /./,
  azureadprtupdatetime: TIME,
  azureadprtexpirytime: TIME,
  enterpriseprtupdatetime: TIME,
  enterpriseprtexpirytime: TIME,
  clienttime: TIME,
  previousregistration: TIME,
  errorphase: /^[a-z-]+$/i,
  clienterrorcode: /^0x[0-9a-f]{1,8}$/i,
};

function fits(key: string, value: string): boolean {
  const flag = yesNo(value) !== undefined;
  if (FLAG_KEYS.has(key) !== flag) return false;
  const shape = SHAPES[key];
  if (shape) return shape.test(value);
  if (key.endsWith('url')) return /^(?:https?:\/\/|$)/i.test(value);
  return true;
}

// The value as dsregcmd prints it: nothing to read.
const ENGLISH = /^(?:YES|NO)(?:$|[\s(])/;

const ORDER = new Map(KEY_ORDER.map((k, i) => [k, i]));
// A label that is one identifier (`BrandNewKey2030`) is a key of a newer Windows build, in the
// style of dsregcmd's own: never read as another key.
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * Reads translated labels as the known keys their place names, normalizes localized flag values,
 * and drops the unknown fields of unknown sections that stayed unmatched. Notes say what was read.
 */
export function localize(
  fields: DsregField[],
  tentative: ReadonlySet<DsregField>,
  notes: string[],
): DsregField[] {
  matchLabels(fields, tentative, notes);
  const out: DsregField[] = [];
  for (const f of fields) {
    if (tentative.has(f) && !KNOWN_KEYS.has(f.normKey)) continue;
    if (FLAG_KEYS.has(f.normKey) && !ENGLISH.test(f.value)) {
      const v = yesNo(f.value);
      const value = f.value.trim();
      const first = value.split(/[\s(]/)[0]!;
      if (v && first !== v) {
        if (first.toUpperCase() !== v) notes.push(`line ${f.line}: read ${f.key} "${value}" as ${v}`);
        f.value = v + value.slice(first.length);
      }
    }
    out.push(f);
  }
  return out;
}

function matchLabels(fields: DsregField[], tentative: ReadonlySet<DsregField>, notes: string[]): void {
  if (fields.every((f) => KNOWN_KEYS.has(f.normKey))) return;
  const present = new Set(fields.map((f) => f.normKey).filter((k) => KNOWN_KEYS.has(k)));
  let i = 0;
  while (i < fields.length) {
    if (KNOWN_KEYS.has(fields[i]!.normKey)) {
      i++;
      continue;
    }
    // A run of unknown labels between two known keys (or from the start of the capture).
    let j = i;
    while (j < fields.length && !KNOWN_KEYS.has(fields[j]!.normKey)) j++;
    const before = i > 0 ? ORDER.get(fields[i - 1]!.normKey)! : -1;
    const after = j < fields.length ? ORDER.get(fields[j]!.normKey)! : KEY_ORDER.length;
    const run = fields.slice(i, j);
    const translated = run.every((f) => tentative.has(f) || !IDENTIFIER.test(f.key));
    const maxSkips = run.every((f) => tentative.has(f)) ? 3 : 1;
    if (translated && after > before && (j < fields.length || run.every((f) => tentative.has(f)))) {
      const plan = align(run, before, after, present, maxSkips);
      if (plan) {
        run.forEach((f, k) => {
          const key = plan[k]!;
          notes.push(
            `line ${f.line}: read the label "${f.key}" as ${KEY_NAMES.get(key)} (the key printed at that place)`,
          );
          f.normKey = key;
          present.add(key);
        });
      }
    }
    i = j;
  }
}

/** Known keys for the run, in order, between the two anchors, each with the shape of its value. */
function align(
  run: DsregField[],
  before: number,
  after: number,
  present: ReadonlySet<string>,
  maxSkips: number,
): string[] | undefined {
  const plan: string[] = [];
  let pos = before + 1;
  let skips = 0;
  for (const f of run) {
    while (pos < after) {
      const key = KEY_ORDER[pos]!;
      if (!present.has(key) && fits(key, f.value)) break;
      pos++;
      skips++;
    }
    if (pos >= after || skips > maxSkips) return undefined;
    plan.push(KEY_ORDER[pos]!);
    pos++;
  }
  return plan;
}
