// Inputs -> evidence, one device at a time. Each input is sniffed once and read once (a capture by
// the dsregcmd parser, an event log by the event readers); then the pieces are grouped by the device
// they describe, so that two devices' captures are never diagnosed as one. Pure: bytes in, evidence,
// input reports and reading warnings out.
import type { DsregStatus } from './dsregcmd/parse.js';
import { type EventExportKind, readEvents } from './events/read.js';
import type { EventRecord, ReadWarning } from './events/types.js';
import type { DeviceEvidence } from './evidence.js';
import type { Crc32 } from './evtx/crc32.js';
import { type Sniffed, sniff } from './input/sniff.js';
import { InputError } from './types.js';

/** One input: the name it goes by in evidence (a file name as given, or '-') and its bytes. */
export interface TextInput {
  name: string;
  bytes: Uint8Array;
  /** An event log already read (and redacted, by src/redact/prepare.ts): its records, used as they are. */
  events?: { kind: EventExportKind; records: readonly EventRecord[] };
}

export interface AnalyzeInput extends TextInput {
  /** Found in a log collection: an input that is neither a capture nor an event log is then listed, not refused. */
  fromBundle?: boolean;
  /** What `sniff` said of it already (a bundle's classification), so it is not sniffed twice. */
  sniffed?: Sniffed;
}

export interface InputReport {
  name: string;
  kind: 'dsregcmd' | 'evtx' | 'xml' | 'csv' | 'json' | 'unknown';
  used: boolean;
  /** Why an input was not used, or how many records it gave. */
  reason?: string;
}

/** How the inputs name a device. */
export interface DeviceIdentity {
  /** The DeviceId of a capture (lower case). */
  deviceId?: string;
  /** The Device Name of a capture, or the Computer of event records, as printed. */
  name?: string;
}

export interface DeviceGroup {
  identity: DeviceIdentity;
  evidence: DeviceEvidence;
  /** The names of the inputs this device's evidence comes from, in input order. */
  inputs: string[];
}

export interface Analysis {
  /** One entry per device, in the order the inputs first name them; at least one. */
  devices: DeviceGroup[];
  inputs: InputReport[];
  /** Damage found while reading (a bad chunk, a truncated record; the rest was read), and inputs that name no device among several. */
  warnings: ReadWarning[];
}

export interface AnalyzeOptions {
  /** Report an input that cannot be read as unused instead of throwing (the page; a bundle's files are always lenient). */
  lenient?: boolean;
  /** Put every input into one device (the page, until it shows several devices). Default: group by device. */
  oneDevice?: boolean;
  /**
   * Told the bytes read of all the inputs' bytes as the reading goes (a progress bar): after each
   * input, and inside an event log every 1 MiB or so (see ReadOptions.onProgress), never once a record.
   */
  onProgress?: (done: number, total: number) => void;
  /** For an .evtx: the CRC-32 its checksums are checked with (ReadOptions.crc32); absent: the reader's own. */
  crc32?: Crc32;
}

const NOT_AN_INPUT = 'neither `dsregcmd /status` output nor an event log export (.evtx, XML, CSV or JSON)';

/** One input read: a capture, or an event log's records, and how it names its device. */
interface Piece {
  input: number;
  name: string;
  capture?: DsregStatus;
  records?: EventRecord[];
  deviceId?: string;
  deviceName?: string;
}

/**
 * Reads every input, whatever it is (`dsregcmd /status` text, or an event log as .evtx, XML, CSV or
 * JSON), and groups what it read by device: by DeviceId, else by the device's name (the Device Name
 * of a capture, the Computer of event records); an input that names no device belongs to the one
 * device there is, or stands alone, with a warning, when there are several. An input that is
 * neither a capture nor an event log throws InputError, unless it comes from a bundle or `lenient`
 * is set, when it is reported as unused.
 */
export function analyze(inputs: readonly AnalyzeInput[], options: AnalyzeOptions = {}): Analysis {
  const reports: InputReport[] = [];
  const warnings: ReadWarning[] = [];
  const pieces: Piece[] = [];
  const progress = progressOf(inputs, options.onProgress);
  inputs.forEach((input, index) => {
    progress.next(input);
    const strict = !options.lenient && !input.fromBundle;
    if (input.events) {
      const records = [...input.events.records];
      const reason = `${records.length} event records`;
      reports.push({ name: input.name, kind: input.events.kind, used: true, reason });
      pieces.push({ input: index, name: input.name, records, ...eventIdentity(records) });
      return;
    }
    const found = input.sniffed ?? sniff(input.bytes, input.name);
    const kind = found.kind;
    if (kind === 'evtx' || kind === 'xml' || kind === 'csv' || kind === 'json') {
      const records: EventRecord[] = [];
      try {
        for (const rec of readEvents(input.bytes, {
          source: input.name,
          onWarning: (w) => warnings.push(w),
          ...(options.onProgress ? { onProgress: progress.within } : {}),
          ...(options.crc32 ? { crc32: options.crc32 } : {}),
        })) {
          records.push(rec);
        }
      } catch (err) {
        if (!(err instanceof InputError) || strict) throw err;
        reports.push({ name: input.name, kind, used: false, reason: err.message });
        return;
      }
      reports.push({ name: input.name, kind, used: true, reason: `${records.length} event records` });
      pieces.push({ input: index, name: input.name, records, ...eventIdentity(records) });
      return;
    }
    // A fragment with a single known key is still read when it is given on its own.
    const captures =
      kind === 'dsregcmd' || (kind === 'text' && !input.fromBundle) ? found.captures : undefined;
    if (!captures || captures.length === 0) {
      if (strict) throw new InputError(input.name, NOT_AN_INPUT);
      reports.push({
        name: input.name,
        kind: 'unknown',
        used: false,
        reason: 'neither dsregcmd output nor an event log',
      });
      return;
    }
    reports.push({ name: input.name, kind: 'dsregcmd', used: true });
    // One piece a capture: a report of many devices (a CSV, a JSON export) is grouped like files.
    for (const capture of captures)
      pieces.push({ input: index, name: input.name, capture, ...captureIdentity(capture) });
  });
  progress.next(undefined);
  const groups = options.oneDevice ? [pieces] : groupByDevice(pieces, warnings);
  return { devices: groups.map(toDevice), inputs: reports, warnings };
}

/**
 * The bytes read of all inputs: those of the inputs before, and the share read of the current one
 * (a reader counts in its own unit, characters or bytes: scaled to the input's bytes).
 */
function progressOf(inputs: readonly AnalyzeInput[], onProgress: AnalyzeOptions['onProgress']) {
  const total = inputs.reduce((n, i) => n + i.bytes.length, 0);
  let before = 0;
  let current = 0;
  // Told at the start, when a thousandth more is read, and at the end: at most 1,001 calls.
  let told = -1;
  const tell = (done: number) => {
    const step = done >= total ? 1000 : Math.min(999, Math.floor((done * 1000) / total));
    if (step <= told) return;
    told = step;
    onProgress?.(done, total);
  };
  return {
    /** The input about to be read (undefined at the end): the one before is done. */
    next(input: AnalyzeInput | undefined) {
      before += current;
      current = input?.bytes.length ?? 0;
      tell(input ? before : total);
    },
    within(done: number, of: number) {
      tell(before + Math.floor((current * done) / Math.max(of, 1)));
    },
  };
}

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

function captureIdentity(capture: DsregStatus): Pick<Piece, 'deviceId' | 'deviceName'> {
  // As the reader reads them: the first field of each key outside the Work Account blocks.
  let deviceId: string | undefined;
  let deviceName: string | undefined;
  for (const f of capture.fields) {
    if (f.sectionKey === 'workaccount') continue;
    if (f.normKey === 'deviceid') deviceId ??= f.value;
    else if (f.normKey === 'devicename') deviceName ??= f.value;
  }
  const out: Pick<Piece, 'deviceId' | 'deviceName'> = {};
  const id = GUID.exec(deviceId?.trim() ?? '')?.[1];
  if (id && !/^0{8}-/.test(id)) out.deviceId = id.toLowerCase();
  const name = deviceName?.trim();
  if (name && name !== '-') out.deviceName = name;
  return out;
}

/**
 * An event log names its device by the Computer of its latest record: a device's own log keeps the
 * names it had before a rename (WIN-... during setup, then its real name), and the latest is the
 * name a capture shows now. (A log forwarded from several computers is read as the latest one's.)
 */
function eventIdentity(records: readonly EventRecord[]): Pick<Piece, 'deviceName'> {
  let latest: EventRecord | undefined;
  for (const rec of records) {
    if (!rec.computer?.trim()) continue;
    if (!latest || rec.time >= latest.time) latest = rec;
  }
  const name = latest?.computer?.trim();
  return name ? { deviceName: name } : {};
}

interface Group {
  pieces: Piece[];
}

/** A computer's name as the index keys it, and its host part ("pc1" of "PC1.corp.contoso.com"). */
const fullKey = (name: string) => name.toLowerCase();
const hostKey = (name: string) => name.toLowerCase().split('.')[0]!;

/** The index reads and writes grouping made, for the tests' linearity check: one count each. */
export const groupingWork = { steps: 0 };

/**
 * Pieces -> devices, in time linear in the number of pieces: indexes by DeviceId, by full name,
 * and by host name. Two names name the same computer when they are equal, or when one is a bare
 * host name and the other's host part (PC1 and PC1.corp.contoso.com).
 */
function groupByDevice(pieces: Piece[], warnings: ReadWarning[]): Piece[][] {
  // One input of one capture (the usual case): one device, nothing to index.
  if (pieces.length === 1) return [[pieces[0]!]];
  const groups: Group[] = [];
  const byId = new Map<string, Group>();
  const byFull = new Map<string, Group>();
  /** Groups by the host part of their DNS names, and by their bare host names. */
  const byHostOfDns = new Map<string, Group>();
  const byBareHost = new Map<string, Group>();
  const index = (g: Group, p: Piece) => {
    groupingWork.steps++;
    if (p.deviceId && !byId.has(p.deviceId)) byId.set(p.deviceId, g);
    const name = p.deviceName;
    if (!name) return;
    if (!byFull.has(fullKey(name))) byFull.set(fullKey(name), g);
    const host = hostKey(name);
    const map = name.includes('.') ? byHostOfDns : byBareHost;
    if (!map.has(host)) map.set(host, g);
  };
  const add = (g: Group, p: Piece) => {
    g.pieces.push(p);
    index(g, p);
  };
  const fresh = (p: Piece) => {
    const g: Group = { pieces: [] };
    groups.push(g);
    add(g, p);
  };
  const byName = (name: string): Group | undefined => {
    groupingWork.steps++;
    return (
      byFull.get(fullKey(name)) ??
      (name.includes('.') ? byBareHost.get(hostKey(name)) : byHostOfDns.get(hostKey(name)))
    );
  };
  // The DeviceId settles it; then a name joins the device that carries it, or starts its own.
  for (const p of pieces) {
    if (!p.deviceId) continue;
    groupingWork.steps++;
    const g = byId.get(p.deviceId);
    if (g) add(g, p);
    else fresh(p);
  }
  for (const p of pieces) {
    if (p.deviceId || !p.deviceName) continue;
    const g = byName(p.deviceName);
    if (g) add(g, p);
    else fresh(p);
  }
  const anonymous = pieces.filter((x) => !x.deviceId && !x.deviceName);
  if (groups.length <= 1) {
    if (groups.length === 0) return anonymous.length > 0 ? [anonymous] : [[]];
    for (const p of anonymous) add(groups[0]!, p);
  } else {
    for (const p of anonymous) {
      warnings.push({
        source: p.name,
        message: `names no device (no DeviceId, Device Name or event Computer) while the inputs describe ${groups.length} devices: diagnosed on its own`,
      });
      fresh(p);
    }
  }
  // Input order: a device comes where its first input came.
  return groups
    .map((g) => g.pieces.sort((a, b) => a.input - b.input))
    .sort((a, b) => a[0]!.input - b[0]!.input);
}

function toDevice(pieces: Piece[]): DeviceGroup {
  const captures: DsregStatus[] = [];
  const events: EventRecord[] = [];
  for (const p of pieces) {
    if (p.capture) captures.push(p.capture);
    // (No spreading into push: a log of 100,000 records would overflow the stack.)
    if (p.records) for (const r of p.records) events.push(r);
  }
  const identity: DeviceIdentity = {};
  const deviceId = pieces.find((p) => p.deviceId)?.deviceId;
  if (deviceId) identity.deviceId = deviceId;
  // A capture's Device Name (often the full DNS name) before an event's Computer.
  const name =
    pieces.find((p) => p.capture && p.deviceName)?.deviceName ?? pieces.find((p) => p.deviceName)?.deviceName;
  if (name) identity.name = name;
  const inputs = pieces.length === 1 ? [pieces[0]!.name] : [...new Set(pieces.map((p) => p.name))];
  return { identity, evidence: { captures, events }, inputs };
}
