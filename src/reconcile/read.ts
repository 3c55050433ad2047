// Export readers: bytes in chunks to rows, the kind (Entra devices, AD computers, diagnoses) told
// from the content. The format (CSV, JSON, LDIF) is settled from the first line; each record is
// turned into a row as soon as it is complete, so memory holds the rows, never the whole file.
import { InputError } from '../types.js';
import { CsvTokenizer, CsvTooLong } from './csv.js';
import { JsonRecordScanner } from './json.js';
import { LdifReader } from './ldif.js';
import {
  adRow,
  CsvFields,
  diagnosisRow,
  entraRow,
  type Fields,
  fieldsOf,
  kindOf,
  normKey,
  RowError,
} from './rows.js';
import { ChunkDecoder } from './text.js';
import type { AdComputer, DeviceReport, EntraDevice, ExportKind, ExportRow, InputSummary } from './types.js';

const MAX_WARNINGS = 20;
/** How much text may come before the format is known (a long comment block, say). */
const SNIFF_LIMIT = 64 * 1024;

const KIND_TEXT =
  'not an export reconcile reads (a Microsoft Entra device export, an Active Directory computer export or a diagnosis)';

export interface ExportReader {
  push(chunk: Uint8Array): void;
  /** Finishes the input; throws InputError when it was not an export or was cut short. */
  end(): InputSummary;
  /** The kind, once the first record has been read. */
  readonly kind: ExportKind | undefined;
}

/** One row in a few words, for the evidence of a finding (written for the rows findings cite). */
export function describeRow(r: ExportRow): string {
  if (r.kind === 'entra-devices') {
    const d = r.row;
    let s = `${d.name || '(no name)'}, ${d.trustType ?? 'no join type'}`;
    if (d.deviceId) s += `, deviceId ${d.deviceId}`;
    if (d.objectId) s += `, objectId ${d.objectId}`;
    if (d.enabled !== undefined) s += d.enabled ? ', enabled' : ', disabled';
    return `${s}, registered ${d.registrationTime ?? 'Pending'}, last sign-in ${d.lastSignIn ?? 'never'}`;
  }
  if (r.kind === 'ad-computers') {
    const c = r.row;
    let s = c.name;
    if (c.objectGuid) s += `, objectGUID ${c.objectGuid}`;
    if (c.enabled !== undefined) s += c.enabled ? ', enabled' : ', disabled';
    if (c.whenCreated) s += `, created ${c.whenCreated}`;
    const n = c.certificates.length;
    s += `, last logon ${c.lastLogon ?? 'never'}, ${n} userCertificate${n === 1 ? '' : 's'}`;
    return c.name ? s : s.slice(2);
  }
  const d = r.row;
  let s = d.name ?? '(no name)';
  if (d.deviceId) s += `, DeviceId ${d.deviceId}`;
  s += `, join type ${d.joinType}, verdict ${d.verdict}`;
  return s.startsWith(', ') ? s.slice(2) : s;
}

export function createExportReader(source: string, onRow: (row: ExportRow) => void): ExportReader {
  const decoder = new ChunkDecoder();
  const warnings: string[] = [];
  let skipped = 0;
  let others = 0;
  let rows = 0;
  let kind: ExportKind | undefined;
  let sink: { push(t: string): void; end(): void } | undefined;
  let head = '';

  const fail = (message: string, line?: number): never => {
    throw new InputError(source, message, line !== undefined ? { line } : undefined);
  };
  const skip = (line: number, why: string) => {
    skipped++;
    if (warnings.length < MAX_WARNINGS) warnings.push(`line ${line}: ${why}: row skipped`);
  };
  const settle = (k: ExportKind | undefined, line: number) => {
    if (!k) fail(KIND_TEXT, line);
    if (kind && k !== kind) fail(`a ${k} record among ${kind} records`, line);
    kind = k;
  };
  const accept = (line: number, make: () => ExportRow) => {
    try {
      // The row's text is written when a finding cites it (match.ts): most rows are never cited.
      const row = make();
      rows++;
      onRow(row);
    } catch (err) {
      if (err instanceof RowError) skip(line, err.message);
      else throw err;
    }
  };
  const ref = (line: number) => ({ source, line, text: '' });
  const fromFields = (f: Fields, line: number, raw?: Record<string, unknown>) => {
    if (!kind) settle(kindOf(f), line);
    const k = kind!;
    accept(line, () =>
      k === 'entra-devices'
        ? { kind: k, row: entraRow(f, ref(line)) as EntraDevice }
        : k === 'ad-computers'
          ? { kind: k, row: adRow(f, ref(line)) as AdComputer }
          : { kind: k, row: diagnosisRow(raw ?? {}, ref(line)) as DeviceReport },
    );
  };

  const csvSink = () => {
    let header: string[] | undefined;
    let index = new Map<string, number>();
    const tok = new CsvTokenizer(({ line, fields }) => {
      if (!header) {
        if (fields[0]?.startsWith('#TYPE') || fields[0]?.startsWith('#')) return;
        header = fields.map(normKey);
        index = new Map(header.map((h, i) => [h, i]));
        settle(kindOf(index), line);
        return;
      }
      if (fields.length !== header.length) {
        skip(line, `${fields.length} fields where the header has ${header.length}`);
        return;
      }
      fromFields(new CsvFields(index, fields), line);
    });
    return {
      push: (t: string) => {
        try {
          tok.push(t);
        } catch (err) {
          if (err instanceof CsvTooLong) fail(err.message, err.line);
          throw err;
        }
      },
      end: () => {
        if (tok.unterminated) fail('the file ends inside a quoted field');
        tok.end();
      },
    };
  };
  const jsonSink = () => {
    const scan = new JsonRecordScanner(({ line, text }) => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        fail(`the record is not valid JSON (${(err as Error).message.split('\n')[0]})`, line);
      }
      const obj = value as Record<string, unknown>;
      fromFields(fieldsOf(obj), line, obj);
    }, fail);
    return { push: (t: string) => scan.push(t), end: () => scan.end() };
  };
  const ldifSink = () => {
    const reader = new LdifReader((e) => {
      const classes = (e.attrs.get('objectclass') ?? []).map((c) => String(c).toLowerCase());
      if (classes.length > 0 && !classes.includes('computer')) {
        // Containers (OUs) come with a subtree search: counted, told once at the end.
        skipped++;
        others++;
        return;
      }
      const f = new Map<string, unknown>();
      f.set('distinguishedname', e.dn);
      for (const [k, v] of e.attrs) {
        f.set(k, k === 'usercertificate' ? v : typeof v[0] === 'string' ? v[0] : v[0]);
      }
      if (!f.has('objectguid')) {
        skip(e.line, `${e.dn} has no objectGUID`);
        return;
      }
      settle('ad-computers', e.line);
      accept(e.line, () => ({ kind: 'ad-computers', row: adRow(f, ref(e.line)) }));
    }, fail);
    return { push: (t: string) => reader.push(t), end: () => reader.end() };
  };

  const choose = (text: string, final: boolean): boolean => {
    const t = text.replace(/^\s+/, '');
    if (t === '') return false;
    if (t[0] === '[' || t[0] === '{') {
      sink = jsonSink();
      return true;
    }
    // The first line that is not a comment decides between LDIF and CSV.
    const lines = t.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!.replace(/\r$/, '');
      const complete = i < lines.length - 1 || final;
      if (!complete) return false;
      if (l.startsWith('#TYPE')) break;
      if (l.trim() === '' || l.startsWith('#')) continue;
      sink = /^(version|dn)::? /i.test(l) ? ldifSink() : csvSink();
      return true;
    }
    if (!sink && lines.some((l) => l.startsWith('#TYPE'))) sink = csvSink();
    return sink !== undefined;
  };

  const feed = (text: string, final: boolean) => {
    if (sink) {
      sink.push(text);
      return;
    }
    head += text;
    if (choose(head, final) || head.length > SNIFF_LIMIT) {
      if (!sink) fail(KIND_TEXT);
      const h = head;
      head = '';
      sink!.push(h);
    }
  };

  return {
    push(chunk) {
      const text = decoder.push(chunk);
      if (text) feed(text, false);
    },
    end() {
      feed(decoder.end(), true);
      if (!sink) fail('empty: no rows');
      sink!.end();
      if (!kind) fail(KIND_TEXT);
      const summary: InputSummary = { source, kind: kind!, rows, skipped, warnings };
      const told = warnings.length;
      if (skipped - others > told) warnings.push(`${skipped - others - told} more rows skipped`);
      if (others > 0)
        warnings.push(
          `${others} ${others === 1 ? 'entry that is not a computer' : 'entries that are not computers'} skipped`,
        );
      return summary;
    },
    get kind() {
      return kind;
    },
  };
}

export interface ExportRows {
  kind: ExportKind;
  entra: EntraDevice[];
  ad: AdComputer[];
  diagnoses: DeviceReport[];
  summary: InputSummary;
}

/** Reads a whole export held in memory (the fleet server's imports, tests). Throws InputError. */
export function readExport(bytes: Uint8Array, name: string): ExportRows {
  const out: Omit<ExportRows, 'kind' | 'summary'> = { entra: [], ad: [], diagnoses: [] };
  const reader = createExportReader(name, (r) => {
    if (r.kind === 'entra-devices') out.entra.push(r.row);
    else if (r.kind === 'ad-computers') out.ad.push(r.row);
    else out.diagnoses.push(r.row);
  });
  reader.push(bytes);
  const summary = reader.end();
  return { kind: summary.kind, ...out, summary };
}

/**
 * Whether the first bytes of a file are an export reconcile reads (and which), or something else
 * (a `dsregcmd /status` capture, an event log): undefined. Reads only the first record.
 */
export function sniffExport(head: Uint8Array, name = '-'): ExportKind | undefined {
  let found: ExportKind | undefined;
  const reader = createExportReader(name, () => {});
  try {
    reader.push(head);
    found = reader.kind;
    if (!found) found = reader.end().kind;
  } catch {
    found = reader.kind;
  }
  return found;
}
