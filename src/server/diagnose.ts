// The one place where the server calls the core: the inputs of a check-in in, one diagnosis per
// device out. The server judges nothing itself; when the core groups inputs by device on its own,
// this module is what changes.
import { createHash } from 'node:crypto';
import { type AnalyzeInput, analyzeInputs, type TextInput } from '../diagnose.js';
import { reader } from '../evidence.js';
import { sniff } from '../input/sniff.js';
import type { Diagnosis } from '../types.js';

/** What the envelope or the headers say of the device, for a capture that does not name it. */
export interface DeviceHints {
  name?: string;
  domain?: string;
  /** When the inputs were collected (ISO 8601): the diagnosis's "now". */
  now?: string;
}

/** The part of a check-in that is about one device, diagnosed. */
export interface DeviceCheckin {
  /** DeviceId, else name@domain (lower case), else `unidentified-<content hash>`. */
  key: string;
  name?: string;
  domain?: string;
  deviceId?: string;
  unidentified: boolean;
  diagnosis: Diagnosis;
  /** With what sniff said of each (its decoded text, for storing). */
  inputs: AnalyzeInput[];
  /** SHA-256 (hex) of the bytes of the device's inputs: the same capture, whatever its name, gives the same hash. */
  contentHash: string;
}

interface Group {
  id?: string;
  name?: string;
  domain?: string;
  inputs: AnalyzeInput[];
}

/** What sniff calls an event log (the rest is text: a capture, or something unreadable). */
const EVENT_KINDS: ReadonlySet<string> = new Set(['evtx', 'xml', 'csv', 'json']);

const folderOf = (name: string) => name.slice(0, Math.max(0, name.lastIndexOf('/')));

/**
 * Groups the inputs by device (captures by their DeviceId, else name and domain; event logs with
 * the only device, else with the capture in the same folder) and diagnoses each group. Throws
 * InputError for an input that is neither a capture nor an event log.
 */
export function diagnoseCheckin(inputs: readonly AnalyzeInput[], hints: DeviceHints = {}): DeviceCheckin[] {
  // Each input is sniffed once (here, unless the body's reader did already); the analysis reuses
  // the decision (and the parsed captures).
  const sniffed: AnalyzeInput[] = inputs.map((i) => ({ ...i, sniffed: i.sniffed ?? sniff(i.bytes, i.name) }));
  const isEvents = (i: AnalyzeInput) => EVENT_KINDS.has(i.sniffed!.kind);
  // One capture at most (a plain-text check-in, the collector's envelope): one device, no grouping.
  if (sniffed.filter((i) => !isEvents(i)).length <= 1) return [diagnoseGroup({ inputs: sniffed }, hints)];
  const groups = new Map<string, Group>();
  /** Inputs that name no device: event logs, and captures without a DeviceId or a name. */
  const events: AnalyzeInput[] = [];
  const unread: AnalyzeInput[] = [];
  for (const input of sniffed) {
    if (isEvents(input)) {
      events.push(input);
      continue;
    }
    const capture = input.sniffed!.captures?.[0];
    if (!capture) {
      // Not a capture: analyzeInputs below says so in its own words.
      unread.push(input);
      continue;
    }
    const r = reader({ captures: [capture], events: [] });
    const id = r.value('DeviceId')?.trim().toLowerCase() || undefined;
    const name = r.value('Device Name')?.trim() || undefined;
    const domain = r.value('DomainName')?.trim() || undefined;
    if (!id && !name) {
      // A capture that names no device (a fragment) goes with the device beside it, as event logs do.
      events.push(input);
      continue;
    }
    const gk = id ? `id:${id}` : `name:${(name ?? '').toLowerCase()}@${(domain ?? '').toLowerCase()}`;
    const g = groups.get(gk) ?? { inputs: [] };
    if (id) g.id = id;
    if (name) g.name = name;
    if (domain) g.domain = domain;
    g.inputs.push(input);
    groups.set(gk, g);
  }
  if (unread.length > 0) analyzeInputs(unread); // throws the InputError naming the first one
  const list = [...groups.values()];
  if (list.length === 0) list.push({ inputs: [] });
  for (const e of events) {
    const target =
      list.length === 1
        ? list[0]!
        : (list.find((g) => g.inputs.some((i) => folderOf(i.name) === folderOf(e.name))) ?? list[0]!);
    target.inputs.push(e);
  }
  const order = new Map(sniffed.map((input, i) => [input, i]));
  return list.map((g) => {
    // In the order they were sent, as `diagnose` reads its arguments.
    g.inputs.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    return diagnoseGroup(g, hints);
  });
}

function diagnoseGroup(g: Group, hints: DeviceHints): DeviceCheckin {
  const options = hints.now ? { now: hints.now } : {};
  const { diagnosis } = analyzeInputs(g.inputs, options);
  const contentHash = hashInputs(g.inputs);
  const name = g.name ?? diagnosis.device?.name ?? hints.name;
  const domain = g.domain ?? diagnosis.device?.domainName ?? hints.domain;
  const deviceId = g.id ?? diagnosis.device?.deviceId?.trim().toLowerCase();
  const out: DeviceCheckin = {
    key: deviceKey(deviceId, name, domain, contentHash),
    unidentified: !deviceId && !name,
    diagnosis,
    inputs: g.inputs,
    contentHash,
  };
  if (name) out.name = name;
  if (domain) out.domain = domain;
  if (deviceId) out.deviceId = deviceId;
  return out;
}

export function deviceKey(
  deviceId: string | undefined,
  name: string | undefined,
  domain: string | undefined,
  contentHash: string,
): string {
  if (deviceId) return deviceId;
  if (name) return domain ? `${name}@${domain}`.toLowerCase() : name.toLowerCase();
  return `unidentified-${contentHash.slice(0, 16)}`;
}

function hashInputs(inputs: readonly TextInput[]): string {
  const h = createHash('sha256');
  for (const i of inputs) {
    h.update(`${i.bytes.length}:`);
    h.update(i.bytes);
  }
  return h.digest('hex');
}
