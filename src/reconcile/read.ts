// Export readers: bytes in chunks to rows, the kind (Entra devices, AD computers, diagnoses) told
// from the content. The format (CSV, JSON, LDIF) is settled from the first line; each record is
// turned into a row as soon as it is complete, so memory holds the rows, never the whole file.

import type { Evidence } from '../types.js';
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
import { isoOf } from './values.js';

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

/**
 * One row in a few words, for the evidence of a finding (written for the rows findings cite);
 * `iso` writes its times (a device's own, already written, are passed in rather than rewritten).
 * Joined from a list, so the text is one flat string (not a tree of the pieces added).
 */
export function describeRow(r: ExportRow, iso: (ms: number | null) => string | null = isoOf): string {
  const p: string[] = [];
  if (r.kind === 'entra-devices') {
    const d = r.row;
    p.push(d.name || '(no name)', d.trustType ?? 'no join type');
    if (d.deviceId) p.push(`deviceId ${d.deviceId}`);
    if (d.objectId) p.push(`objectId ${d.objectId}`);
    if (d.enabled !== undefined) p.push(d.enabled ? 'enabled' : 'disabled');
    p.push(
      `registered ${iso(d.registrationTime) ?? 'Pending'}`,
      `last sign-in ${iso(d.lastSignIn) ?? 'never'}`,
    );
  } else if (r.kind === 'ad-computers') {
    const c = r.row;
    if (c.name) p.push(c.name);
    if (c.objectGuid) p.push(`objectGUID ${c.objectGuid}`);
    if (c.enabled !== undefined) p.push(c.enabled ? 'enabled' : 'disabled');
    if (c.whenCreated !== null) p.push(`created ${iso(c.whenCreated)}`);
    const n = c.certificates.length + (c.unreadCertificates ?? 0);
    p.push(`last logon ${iso(c.lastLogon) ?? 'never'}`, `${n} userCertificate${n === 1 ? '' : 's'}`);
  } else {
    const d = r.row;
    const name = d.name ?? '(no name)';
    if (name) p.push(name);
    if (d.deviceId) p.push(`DeviceId ${d.deviceId}`);
    p.push(`join type ${d.joinType}`, `verdict ${d.verdict}`);
  }
  return p.join(', ');
}

interface Sink {
  push(t: string): void;
  end(): void;
}

/** What one input's reader shares between its format readers: counts, warnings, the kind. */
class ReadState {
  readonly warnings: string[] = [];
  skipped = 0;
  /** Skipped LDIF entries that are not computers (OUs of a subtree search). */
  others = 0;
  rows = 0;
  kind: ExportKind | undefined;

  constructor(
    readonly source: string,
    private readonly onRow: (row: ExportRow) => void,
    readonly options: ReaderOptions,
  ) {}

  fail = (message: string, line?: number): never => {
    throw new InputError(this.source, message, line !== undefined ? { line } : undefined);
  };

  skip(line: number, why: string): void {
    this.skipped++;
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(`line ${line}: ${why}: row skipped`);
  }

  settle(k: ExportKind | undefined, line: number): void {
    if (!k) this.fail(KIND_TEXT, line);
    if (this.kind && k !== this.kind) this.fail(`a ${k} record among ${this.kind} records`, line);
    this.kind = k;
  }

  /** The evidence of a row; its text is written when a finding cites it (match.ts): most never are. */
  ref(line: number): Evidence {
    return { source: this.source, line, text: '' };
  }

  accept(line: number, make: () => ExportRow): void {
    let row: ExportRow;
    try {
      row = make();
    } catch (err) {
      if (err instanceof RowError) {
        this.skip(line, err.message);
        return;
      }
      throw err;
    }
    this.rows++;
    this.onRow(row);
  }

  fromFields(f: Fields, line: number, raw?: Record<string, unknown>): void {
    if (!this.kind) this.settle(kindOf(f), line);
    const k = this.kind!;
    this.accept(line, () =>
      k === 'entra-devices'
        ? { kind: k, row: entraRow(f, this.ref(line)) }
        : k === 'ad-computers'
          ? { kind: k, row: adRow(f, this.ref(line), this.options.skipCertificates) }
          : { kind: k, row: diagnosisRow(raw ?? {}, this.ref(line)) },
    );
  }

  summary(): InputSummary {
    const { source, kind, rows, skipped, warnings, others } = this;
    const told = warnings.length;
    if (skipped - others > told) warnings.push(`${skipped - others - told} more rows skipped`);
    if (others > 0)
      warnings.push(
        `${others} ${others === 1 ? 'entry that is not a computer' : 'entries that are not computers'} skipped`,
      );
    return { source, kind: kind!, rows, skipped, warnings };
  }
}

/** CSV: the header (after any `#TYPE` line of Export-Csv) names the fields of every row. */
function csvSink(st: ReadState): Sink {
  let header: string[] | undefined;
  let index = new Map<string, number>();
  const tok = new CsvTokenizer(({ line, fields }) => {
    if (!header) {
      if (fields[0]?.startsWith('#')) return;
      header = fields.map(normKey);
      index = new Map(header.map((h, i) => [h, i]));
      st.settle(kindOf(index), line);
      return;
    }
    if (fields.length !== header.length) {
      st.skip(line, `${fields.length} fields where the header has ${header.length}`);
      return;
    }
    st.fromFields(new CsvFields(index, fields), line);
  });
  return {
    push: (t: string) => {
      try {
        tok.push(t);
      } catch (err) {
        if (err instanceof CsvTooLong) st.fail(err.message, err.line);
        throw err;
      }
    },
    end: () => {
      if (tok.unterminated) st.fail('the file ends inside a quoted field');
      tok.end();
    },
  };
}

/** JSON: each record's text parsed on its own. */
function jsonSink(st: ReadState): Sink {
  const scan = new JsonRecordScanner(({ line, text }) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      st.fail(`the record is not valid JSON (${(err as Error).message.split('\n')[0]})`, line);
    }
    const obj = value as Record<string, unknown>;
    st.fromFields(fieldsOf(obj), line, obj);
  }, st.fail);
  return { push: (t: string) => scan.push(t), end: () => scan.end() };
}

/** LDIF: computer entries; containers (OUs) of a subtree search are counted and told once. */
function ldifSink(st: ReadState): Sink {
  const reader = new LdifReader((e) => {
    const classes = (e.attrs.get('objectclass') ?? []).map((c) => String(c).toLowerCase());
    if (classes.length > 0 && !classes.includes('computer')) {
      st.skipped++;
      st.others++;
      return;
    }
    const f = new Map<string, unknown>();
    f.set('distinguishedname', e.dn);
    for (const [k, v] of e.attrs) f.set(k, k === 'usercertificate' ? v : v[0]);
    if (!f.has('objectguid')) {
      st.skip(e.line, `${e.dn} has no objectGUID`);
      return;
    }
    st.settle('ad-computers', e.line);
    st.accept(e.line, () => ({
      kind: 'ad-computers',
      row: adRow(f, st.ref(e.line), st.options.skipCertificates),
    }));
  }, st.fail);
  return { push: (t: string) => reader.push(t), end: () => reader.end() };
}

/**
 * The format from the first text: JSON from its first character, else the first line that is not
 * a comment decides between LDIF and CSV. Undefined while that line is not complete.
 */
function chooseSink(st: ReadState, text: string, final: boolean): Sink | undefined {
  const t = text.replace(/^\s+/, '');
  if (t === '') return undefined;
  if (t[0] === '[' || t[0] === '{') return jsonSink(st);
  const lines = t.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.replace(/\r$/, '');
    const complete = i < lines.length - 1 || final;
    if (!complete) return undefined;
    if (l.startsWith('#TYPE')) break;
    if (l.trim() === '' || l.startsWith('#')) continue;
    return /^(version|dn)::? /i.test(l) ? ldifSink(st) : csvSink(st);
  }
  return lines.some((l) => l.startsWith('#TYPE')) ? csvSink(st) : undefined;
}

export interface ReaderOptions {
  /**
   * For an AD export: true for a computer whose userCertificate values need not be read, because
   * its device object is already known (the CLI reads the Entra exports first). Reading
   * certificates is most of the cost of an AD row. The values are still counted.
   */
  skipCertificates?: (objectGuid: string) => boolean;
}

/**
 * Options for reading the AD exports once the Entra exports are read: no certificate is read of a
 * computer whose objectGUID is the deviceId of a hybrid object, whatever else the export carries
 * (SIDs, thumbprints). Matching tries the SID and then the certificate only for a computer that
 * its objectGUID did not match, and such a computer is always matched (one computer a GUID), so
 * no state or key looks at its certificates. The others are all read.
 */
export function readerOptionsAfter(entra: readonly EntraDevice[]): ReaderOptions {
  const hybrid = new Set<string>();
  for (const d of entra) if (d.trustType === 'ServerAd' && d.deviceId) hybrid.add(d.deviceId);
  if (hybrid.size === 0) return {};
  return { skipCertificates: (objectGuid) => hybrid.has(objectGuid) };
}

export function createExportReader(
  source: string,
  onRow: (row: ExportRow) => void,
  options: ReaderOptions = {},
): ExportReader {
  const decoder = new ChunkDecoder();
  const st = new ReadState(source, onRow, options);
  let sink: Sink | undefined;
  let head = '';

  const feed = (text: string, final: boolean) => {
    if (sink) {
      sink.push(text);
      return;
    }
    head += text;
    sink = chooseSink(st, head, final);
    if (sink || head.length > SNIFF_LIMIT) {
      if (!sink) st.fail(KIND_TEXT);
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
      if (!sink) st.fail('empty: no rows');
      sink!.end();
      if (!st.kind) st.fail(KIND_TEXT);
      return st.summary();
    },
    get kind() {
      return st.kind;
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

/** Thrown by sniffExport's reader at its first row. */
const SNIFFED = new Error('sniffed');

/**
 * Whether the first bytes of a file are an export reconcile reads (and which), or something else
 * (a `dsregcmd /status` capture, an event log): undefined. Reads only the first record: the kind
 * is settled there, so the reader stops at its row, having counted its certificates, not read
 * them (the CLI sniffs every file before reading it, and a certificate costs its base64, its DER
 * and its SHA-1).
 */
export function sniffExport(head: Uint8Array, name = '-'): ExportKind | undefined {
  let found: ExportKind | undefined;
  const reader = createExportReader(
    name,
    () => {
      throw SNIFFED;
    },
    { skipCertificates: () => true },
  );
  try {
    reader.push(head);
    found = reader.kind;
    if (!found) found = reader.end().kind;
  } catch {
    found = reader.kind;
  }
  return found;
}
