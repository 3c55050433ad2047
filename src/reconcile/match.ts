// Matching: AD computers, Entra device objects and device reports paired into one row per device,
// then the states and findings of each row. Pure: `now` comes in. Every lookup is a hash map, so
// the work is linear in the number of rows.
import type { Evidence } from '../types.js';
import { type FindingId, MIN_STALE_DAYS, makeFinding, RECENT_HOURS, stateOf } from './findings.js';
import { describeRow } from './read.js';
import {
  type Actions,
  type AdComputer,
  type DeviceReport,
  type EntraDevice,
  type InputSummary,
  type ReconciledDevice,
  type ReconcileFinding,
  type Reconciliation,
  STATES,
  type State,
} from './types.js';
import { guidOf, isoOf, nameKey } from './values.js';

export interface ReconcileInput {
  entra: readonly EntraDevice[];
  ad: readonly AdComputer[];
  diagnoses?: readonly DeviceReport[];
  /** What each input was, for `inputs` in the result. */
  inputs?: readonly InputSummary[];
}

export interface ReconcileOptions {
  /** The reference time for ages and staleness (ISO 8601). */
  now: string;
  /** Days without sign-in and logon after which a device is stale (default 90, at least 21). */
  staleDays?: number;
}

type MatchedBy = ReconciledDevice['matchedBy'];

interface Group {
  ad?: AdComputer;
  /** Hybrid (ServerAd) objects of the computer. */
  hybrid: EntraDevice[];
  /** The object of a row with no hybrid one: Microsoft Entra joined or registered only. */
  primary?: EntraDevice;
  /** Registered (Workplace) objects of the same name beside a hybrid computer. */
  registered: EntraDevice[];
  matchedBy: MatchedBy;
  reports: DeviceReport[];
  reportByName: boolean;
}

const DAY = 86_400_000;
/** Shared by every group until something is added (most have no registered object or report). */
const NONE: never[] = [];
Object.freeze(NONE);

const group = (ad?: AdComputer, primary?: EntraDevice): Group => {
  const g: Group = { hybrid: [], registered: NONE, matchedBy: 'none', reports: NONE, reportByName: false };
  if (ad) g.ad = ad;
  if (primary) g.primary = primary;
  return g;
};

/** Lists by key without an array per key: the first value in `first`, any others in `more`. */
class MultiMap<V> {
  readonly first = new Map<string, V>();
  readonly more = new Map<string, V[]>();
  add(k: string | undefined, v: V): void {
    if (k === undefined || k === '') return;
    if (this.first.get(k) === undefined) this.first.set(k, v);
    else {
      const l = this.more.get(k);
      if (l) l.push(v);
      else this.more.set(k, [v]);
    }
  }
  get size(): number {
    return this.first.size;
  }
  forEach(k: string | undefined, fn: (v: V) => void): void {
    if (k === undefined) return;
    const v = this.first.get(k);
    if (v === undefined) return;
    fn(v);
    const l = this.more.get(k);
    if (l) for (const x of l) fn(x);
  }
}

const completed = (d: EntraDevice) => d.registrationTime !== null && d.hasAlternativeSecurityIds !== false;
const latest = (times: (string | null | undefined)[]): string | null =>
  times.reduce<string | null>((a, t) => (t && (!a || t > a) ? t : a), null);
/** The later of two times (ms), null when neither is known. */
const later = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null || a >= b ? a : b;

export function reconcile(input: ReconcileInput, options: ReconcileOptions): Reconciliation {
  const staleDays = options.staleDays ?? 90;
  if (!(staleDays >= MIN_STALE_DAYS)) {
    throw new RangeError(`the staleness threshold must be at least ${MIN_STALE_DAYS} days`);
  }
  const nowMs = Date.parse(options.now);
  if (Number.isNaN(nowMs)) throw new RangeError(`now "${options.now}" is not a date`);
  const asOf = new Date(nowMs).toISOString();
  const staleBefore = nowMs - staleDays * DAY;
  const entraGiven = input.entra.length > 0 || (input.inputs ?? []).some((i) => i.kind === 'entra-devices');

  const inputs = input.inputs?.map((i) => ({ ...i, warnings: [...i.warnings] }));
  const claimed: Claims = new Map();
  const groups = matchComputers(input.ad, input.entra, claimed, inputs);
  const adNames = groupOrphans(input.entra, groups, claimed);
  attachOthers(input.entra, groups);
  if (input.diagnoses?.length) attachReports(input.diagnoses, groups);

  const actions: Actions = { dnsToCheck: [], objectIdsToDisable: [], devicesToLeave: [] };
  const ctx: Context = {
    nowMs,
    now: asOf,
    staleBefore,
    staleDays,
    entraGiven,
    adNames,
    actions,
    leaving: new Set(),
    stateLists: new Map(),
  };
  const devices = groups.map((g) => judge(g, ctx));
  devices.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const summary = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<State, number>;
  for (const d of devices) for (const s of d.states) summary[s]++;
  const out: Reconciliation = { schemaVersion: 1, asOf, staleDays, devices, summary, actions };
  if (inputs) out.inputs = inputs;
  return out;
}

/** Every object under `key` not claimed yet goes to the group, matched `how`. */
function claimAll(
  index: MultiMap<EntraDevice>,
  key: string | undefined,
  g: Group,
  how: MatchedBy,
  claimed: Claims,
): void {
  if (key === undefined) return;
  const first = index.first.get(key);
  if (first === undefined) return;
  const claim = (d: EntraDevice) => {
    if (claimed.has(d)) return;
    claimed.set(d, g);
    g.hybrid.push(d);
    if (g.matchedBy === 'none') g.matchedBy = how;
  };
  claim(first);
  const more = index.more.get(key);
  if (more) for (const d of more) claim(d);
}

/** The group each hybrid object went to. */
type Claims = Map<EntraDevice, Group>;

/**
 * One group per AD computer with the hybrid objects it claims, each key tried only for the
 * computers no earlier key matched, in turn over all of them (so the order of the rows never
 * lets a weaker key take an object a stronger one names): deviceId = objectGUID, then SID, then
 * certificate thumbprint, and the name only as a last resort.
 */
function matchComputers(
  computers: readonly AdComputer[],
  entra: readonly EntraDevice[],
  claimed: Claims,
  inputs: InputSummary[] | undefined,
): Group[] {
  const byDeviceId = new MultiMap<EntraDevice>();
  const bySid = new MultiMap<EntraDevice>();
  const byThumb = new MultiMap<EntraDevice>();
  for (const d of entra) {
    if (d.trustType !== 'ServerAd') continue;
    byDeviceId.add(d.deviceId, d);
    if (d.sid) bySid.add(d.sid, d);
    for (const t of d.thumbprints) byThumb.add(t, d);
  }
  const groups = groupsByGuid(computers, byDeviceId, claimed, inputs);
  // Most fleets match almost all by objectGUID: the other keys are tried only when one did not.
  const open = groups.filter((g) => g.hybrid.length === 0);
  if (open.length === 0) return groups;
  if (bySid.size > 0) for (const g of open) claimAll(bySid, g.ad!.sid, g, 'sid', claimed);
  if (byThumb.size > 0) {
    for (const g of open) {
      if (g.hybrid.length > 0) continue;
      for (const c of g.ad!.certificates) claimAll(byThumb, c.thumbprint, g, 'certificate', claimed);
    }
  }
  const hybridByName = new MultiMap<EntraDevice>();
  for (const d of entra) {
    if (d.trustType === 'ServerAd' && !claimed.has(d)) hybridByName.add(nameKey(d.name), d);
  }
  if (hybridByName.size === 0) return groups;
  for (const g of open)
    if (g.hybrid.length === 0) claimAll(hybridByName, nameKey(g.ad!.name), g, 'name', claimed);
  return groups;
}

/**
 * A group per computer, each claiming the hybrid objects of its objectGUID. Rows with one
 * objectGUID are one computer (the same export read twice, two exports of one forest, a repeated
 * row), told by the row with the later logon; when their DNs differ (the computer was moved or
 * renamed between two exports), the input of the other row says so in its warnings. A computer
 * that matches finds its first row through the claim on its object, so only the others need an
 * index of their own.
 */
function groupsByGuid(
  computers: readonly AdComputer[],
  byDeviceId: MultiMap<EntraDevice>,
  claimed: Claims,
  inputs: InputSummary[] | undefined,
): Group[] {
  const groups: Group[] = [];
  const others = new Map<string, Group>();
  for (const ad of computers) {
    const guid = ad.objectGuid;
    const first = guid === undefined ? undefined : byDeviceId.first.get(guid);
    const same = first ? claimed.get(first) : guid === undefined ? undefined : others.get(guid);
    if (same) {
      sameComputer(same, ad, inputs);
      continue;
    }
    const g = group(ad);
    groups.push(g);
    if (first) {
      // No other computer has this objectGUID (that is `same`): its objects are all unclaimed.
      claimed.set(first, g);
      g.hybrid.push(first);
      g.matchedBy = 'deviceId';
      const more = byDeviceId.more.size > 0 ? byDeviceId.more.get(guid!) : undefined;
      if (more) {
        for (const d of more) {
          claimed.set(d, g);
          g.hybrid.push(d);
        }
      }
    } else if (guid !== undefined) others.set(guid, g);
  }
  return groups;
}

/** A second row of a group's computer: the one with the later logon tells it. */
function sameComputer(g: Group, ad: AdComputer, inputs: InputSummary[] | undefined): void {
  const kept = g.ad!;
  const laterRow = later(ad.lastLogon, kept.lastLogon) !== kept.lastLogon;
  if (laterRow) g.ad = ad;
  if (!sameDn(kept, ad)) movedWarning(laterRow ? ad : kept, laterRow ? kept : ad, inputs);
}

const sameDn = (a: AdComputer, b: AdComputer) =>
  (a.distinguishedName ?? '').toLowerCase() === (b.distinguishedName ?? '').toLowerCase();

function movedWarning(kept: AdComputer, other: AdComputer, inputs: InputSummary[] | undefined): void {
  const input = inputs?.find((i) => i.source === other.ref.source && i.kind === 'ad-computers');
  if (!input) return;
  const at = (c: AdComputer) => `${c.distinguishedName ?? c.name} (${c.ref.source}:${c.ref.line})`;
  input.warnings.push(
    `line ${other.ref.line}: ${other.distinguishedName ?? other.name} has the objectGUID ${other.objectGuid} of ${at(kept)}: one computer moved or renamed between the exports, read as one (the row with the later logon)`,
  );
}

/**
 * Hybrid objects no computer claimed: orphaned, one group per deviceId (several with one deviceId
 * are duplicates). Returns the computers' names when there is an orphan to compare them with.
 */
function groupOrphans(entra: readonly EntraDevice[], groups: Group[], claimed: Claims): Set<string> {
  const orphanById = new Map<string, Group>();
  for (const d of entra) {
    if (d.trustType !== 'ServerAd' || claimed.has(d)) continue;
    const key = d.deviceId ?? d.objectId ?? `#${groups.length}`;
    const existing = orphanById.get(key);
    if (existing) existing.hybrid.push(d);
    else {
      const g = group();
      g.hybrid.push(d);
      orphanById.set(key, g);
      groups.push(g);
    }
  }
  const adNames = new Set<string>();
  if (orphanById.size > 0) for (const g of groups) if (g.ad) adNames.add(nameKey(g.ad.name));
  return adNames;
}

/**
 * Objects that are not hybrid: a registered (Workplace) object joins the first row of its name
 * (dual state beside a hybrid computer); the others are rows of their own.
 */
function attachOthers(entra: readonly EntraDevice[], groups: Group[]): void {
  const registeredByName = new MultiMap<EntraDevice>();
  for (const d of entra) if (d.trustType === 'Workplace') registeredByName.add(nameKey(d.name), d);
  const attached = new Set<EntraDevice>();
  if (registeredByName.size > 0) {
    for (const g of groups) {
      const n = nameKey(g.ad?.name ?? g.hybrid[0]?.name ?? '');
      if (!n || !registeredByName.first.has(n)) continue;
      registeredByName.forEach(n, (d) => {
        if (g.registered === NONE) g.registered = [];
        g.registered.push(d);
        attached.add(d);
      });
      registeredByName.first.delete(n);
    }
  }
  for (const d of entra) {
    if (d.trustType !== 'ServerAd' && !attached.has(d)) groups.push(group(undefined, d));
  }
}

/** Device reports: by DeviceId to the object (or the computer whose objectGUID it is), else by name. */
function attachReports(reports: readonly DeviceReport[], groups: Group[]): void {
  const groupById = new Map<string, Group>();
  const groupByName = new Map<string, Group>();
  for (const g of groups) {
    for (const d of g.hybrid) if (d.deviceId && !groupById.has(d.deviceId)) groupById.set(d.deviceId, g);
    if (g.primary?.deviceId && !groupById.has(g.primary.deviceId)) groupById.set(g.primary.deviceId, g);
    if (g.ad?.objectGuid && !groupById.has(g.ad.objectGuid)) groupById.set(g.ad.objectGuid, g);
    if (g.ad && !groupByName.has(nameKey(g.ad.name))) groupByName.set(nameKey(g.ad.name), g);
  }
  for (const r of reports) {
    let g = r.deviceId ? groupById.get(r.deviceId) : undefined;
    if (!g && r.name) {
      g = groupByName.get(nameKey(r.name));
      if (g) g.reportByName = true;
    }
    if (!g) {
      g = group();
      groups.push(g);
    }
    if (g.reports === NONE) g.reports = [];
    g.reports.push(r);
  }
}

interface Context {
  nowMs: number;
  /** nowMs as ISO text. */
  now: string;
  /** The staleness threshold as a time (ms). */
  staleBefore: number;
  staleDays: number;
  entraGiven: boolean;
  adNames: Set<string>;
  actions: Actions;
  /** DeviceIds already in devicesToLeave. */
  leaving: Set<string>;
  /** The lists of states made so far, by their bits. */
  stateLists: Map<number, StateList>;
}

/** The findings of one row; the same finding from two device reports is one, with both rows. */
class Findings {
  readonly list: ReconcileFinding[] = [];
  add(id: FindingId, evidence: Evidence[], extra?: string): void {
    const same = this.list.find((f) => f.id === id);
    if (!same) this.list.push(makeFinding(id, evidence, extra));
    else for (const e of evidence) if (!same.evidence.includes(e)) same.evidence.push(e);
  }
  has(id: FindingId): boolean {
    return this.list.some((f) => f.id === id);
  }
}

/** The objects of a row: `cloud` the hybrid and primary ones, `all` with the registered ones too. */
interface Row {
  g: Group;
  name: string;
  cloud: EntraDevice[];
  all: EntraDevice[];
  adRef: Evidence[];
  lastSignIn: number | null;
  lastLogon: number | null;
  /** Times as ISO text, each of the device's two written once (the output and its rows show them). */
  iso: (ms: number | null) => string | null;
}

/** isoOf, with the device's last sign-in and last logon written once each. */
function isoOfRow(lastSignIn: number | null, lastLogon: number | null): Row['iso'] {
  let signIn: string | null | undefined;
  let logon: string | null | undefined;
  return (ms) => {
    if (ms === null) return null;
    if (ms === lastSignIn) {
      if (signIn === undefined) signIn = isoOf(ms);
      return signIn;
    }
    if (ms === lastLogon) {
      if (logon === undefined) logon = isoOf(ms);
      return logon;
    }
    return isoOf(ms);
  };
}

const refs = (list: readonly EntraDevice[]): Evidence[] => list.map((d) => d.ref);

/** The computer's row (if any) and the rows of the objects, in one new list. */
function rowsOf(row: Row, objects: readonly EntraDevice[]): Evidence[] {
  const out: Evidence[] = row.g.ad ? [row.g.ad.ref] : [];
  for (const d of objects) out.push(d.ref);
  return out;
}

function rowOf(g: Group): Row {
  const { ad } = g;
  const cloud = g.primary ? [...g.hybrid, g.primary] : g.hybrid;
  const all = g.registered.length > 0 ? [...cloud, ...g.registered] : cloud;
  const report = g.reports[0];
  const name =
    ad?.name ??
    cloud[0]?.name ??
    (report?.name ? report.name.split('.')[0]! : undefined) ??
    g.registered[0]?.name ??
    '(no name)';
  let lastSignIn: number | null = null;
  for (const d of all) lastSignIn = later(lastSignIn, d.lastSignIn);
  const lastLogon = ad?.lastLogon ?? null;
  const iso = isoOfRow(lastSignIn, lastLogon);
  return { g, name, cloud, all, adRef: ad ? [ad.ref] : NONE, lastSignIn, lastLogon, iso };
}

function judge(g: Group, ctx: Context): ReconciledDevice {
  const row = rowOf(g);
  const f = new Findings();
  objectFindings(row, ctx, f);
  const staleDn = staleFindings(row, ctx, f);
  for (const r of g.reports) contradictions(r, g, ctx, f);
  if (!g.ad && row.cloud.length === 0 && g.registered.length === 0 && f.list.length === 0 && g.reports[0]) {
    f.add(
      'device-not-in-exports',
      g.reports.map((r) => r.ref),
    );
  }
  explainByDiagnosis(g, f);
  const states = stateList(statesOf(g, f), ctx);
  if (f.list.length > 0) describeCited(row);
  const device = deviceOf(row, states.list, f.list);
  recordDnActions(row, device, states.text, staleDn, ctx);
  return device;
}

/** Findings from the directory objects: name match, pending, duplicates, orphans, dual state, disabled. */
function objectFindings(row: Row, ctx: Context, f: Findings): void {
  const { g, adRef, name, cloud } = row;
  const { ad, hybrid } = g;
  if (hybrid.length > 0) {
    if (g.matchedBy === 'name') f.add('matched-by-name', rowsOf(row, hybrid));
    if (!hybrid.some(completed)) f.add('pending-registration', rowsOf(row, hybrid));
    if (hybrid.length > 1) duplicates(hybrid, name, ctx, f);
    if (!ad) {
      const same = ctx.adNames.has(nameKey(name));
      f.add(
        'orphaned-device-object',
        refs(hybrid),
        same
          ? 'A computer of the same name is in the export with another objectGUID: most likely it was re-created, and this object is left from its earlier join.'
          : undefined,
      );
    }
  } else if (ad) {
    notSynced(ad, ctx, f);
  }
  if (g.primary?.trustType === 'AzureAd') f.add('entra-joined-device', [g.primary.ref]);
  if (g.primary && g.primary.trustType !== 'AzureAd') f.add('registered-only-device', [g.primary.ref]);
  if (g.registered.length > 0 && (hybrid.length > 0 || ad)) {
    f.add('dual-state-registered-object', [...adRef, ...refs(hybrid), ...refs(g.registered)]);
  }
  if (cloud.some((d) => d.enabled === false))
    f.add('disabled-in-entra', refs(cloud.filter((d) => d.enabled === false)));
  if (ad?.enabled === false) f.add('disabled-in-ad', adRef);
}

/** Several hybrid objects for one computer: the one signed in to last is kept, the others listed to disable. */
function duplicates(hybrid: EntraDevice[], name: string, ctx: Context, f: Findings): void {
  f.add('duplicate-device-objects', refs(hybrid));
  const seen = (d: EntraDevice) => d.lastSignIn ?? Number.NEGATIVE_INFINITY;
  const keep = hybrid.reduce((a, d) => (seen(d) > seen(a) ? d : a));
  for (const d of hybrid) {
    if (d === keep || !d.objectId || (d.lastSignIn !== null && d.lastSignIn >= ctx.staleBefore)) continue;
    ctx.actions.objectIdsToDisable.push({
      objectId: d.objectId,
      deviceId: d.deviceId ?? '',
      name,
      trustType: 'ServerAd',
      reason: `duplicate of ${keep.objectId ?? keep.deviceId ?? 'the object in use'}, no sign-in since ${isoOf(d.lastSignIn) ?? 'ever'}`,
    });
  }
}

/**
 * Stale: every time known is older than the threshold (a device never seen anywhere is not
 * judged). Returns the reason to list the computer's DN for, when it is a stale hybrid device.
 */
function staleFindings(row: Row, ctx: Context, f: Findings): string | undefined {
  const { g, cloud, lastSignIn, lastLogon } = row;
  const { ad } = g;
  if (cloud.length === 0 && ad === undefined) return undefined;
  if (lastSignIn === null && lastLogon === null) return undefined;
  if (
    (lastSignIn !== null && lastSignIn >= ctx.staleBefore) ||
    (lastLogon !== null && lastLogon >= ctx.staleBefore)
  )
    return undefined;
  f.add('stale-device', rowsOf(row, row.all));
  const reason = `no sign-in or logon since ${row.iso(later(lastSignIn, lastLogon))} (threshold ${ctx.staleDays} days)`;
  if (ad?.distinguishedName && g.hybrid.length > 0) {
    return `stale hybrid device: disable the computer in AD first; ${reason}`;
  }
  if (!ad || g.hybrid.length === 0) {
    for (const d of cloud) {
      if (!d.objectId) continue;
      ctx.actions.objectIdsToDisable.push({
        objectId: d.objectId,
        deviceId: d.deviceId ?? '',
        name: row.name,
        trustType: d.trustType ?? '',
        reason: `stale: ${reason}`,
      });
    }
  }
  return undefined;
}

/** Why a device has not joined is what its own diagnosis says: told beside the directory's view. */
function explainByDiagnosis(g: Group, f: Findings): void {
  const failing = g.reports.find((r) => r.verdict === 'failed' || r.verdict === 'warning');
  if (!failing) return;
  const what = `The device's own diagnosis (${failing.ref.source}): ${failing.verdict}${failing.phase ? ` in the ${failing.phase} phase` : ''}${failing.findingIds.length ? ` (${failing.findingIds.join(', ')})` : ''}; \`dsreg-doctor diagnose\` on its inputs gives the cause and the fix.`;
  for (const x of f.list) {
    const st = stateOf(x.id as FindingId);
    if (st === 'not-synced' || st === 'pending') {
      x.cause = `${x.cause} ${what}`;
      if (!x.evidence.includes(failing.ref)) x.evidence.push(failing.ref);
    }
  }
}

/** Bit i of a state set: STATES[i]. */
const BIT = Object.fromEntries(STATES.map((s, i) => [s, 1 << i])) as Record<State, number>;

interface StateList {
  list: State[];
  /** The list as the action lists write it. */
  text: string;
}

/**
 * A set of states as one list in the schema's order: made once per set in a reconciliation and
 * shared (frozen) by every device that has it, as most devices have one of a few sets.
 */
function stateList(bits: number, ctx: Context): StateList {
  let known = ctx.stateLists.get(bits);
  if (!known) {
    const list = Object.freeze(STATES.filter((s) => bits & BIT[s])) as State[];
    known = { list, text: list.join(' ') };
    ctx.stateLists.set(bits, known);
  }
  return known;
}

function statesOf(g: Group, f: Findings): number {
  let bits = 0;
  for (const x of f.list) bits |= BIT[stateOf(x.id as FindingId)];
  if (f.has('matched-by-name')) bits &= ~BIT.registered;
  const blocking = BIT.pending | BIT.disabled | BIT.stale | BIT.orphaned;
  if ((bits & blocking) === 0 && g.hybrid.some(completed)) bits |= BIT.registered;
  if (bits === 0)
    bits = g.reports[0]?.joinType === 'entra-registered' ? BIT['registered-only'] : BIT['not-synced'];
  return bits;
}

/** The text of every row a finding cites, written only now: most rows are never cited. */
function describeCited(row: Row): void {
  const { ad, reports } = row.g;
  if (ad && !ad.ref.text) ad.ref.text = describeRow({ kind: 'ad-computers', row: ad }, row.iso);
  for (const d of row.all)
    if (!d.ref.text) d.ref.text = describeRow({ kind: 'entra-devices', row: d }, row.iso);
  for (const r of reports) if (!r.ref.text) r.ref.text = describeRow({ kind: 'device-diagnosis', row: r });
}

function deviceOf(row: Row, states: State[], findings: ReconcileFinding[]): ReconciledDevice {
  const { g, cloud, all } = row;
  const { ad } = g;
  const report = g.reports[0];
  const device: ReconciledDevice = {
    name: row.name,
    matchedBy: g.matchedBy,
    states,
    lastSignIn: row.iso(row.lastSignIn),
    lastLogon: row.iso(row.lastLogon),
    findings,
  };
  if (ad?.objectGuid) device.objectGuid = ad.objectGuid;
  if (ad?.distinguishedName) device.distinguishedName = ad.distinguishedName;
  const deviceId = cloud.find((d) => d.deviceId)?.deviceId ?? report?.deviceId;
  if (deviceId) device.deviceId = deviceId;
  const ids: string[] = [];
  for (const d of all) if (d.objectId) ids.push(d.objectId);
  if (ids.length > 0) device.entraObjectIds = ids;
  if (cloud.length > 0) device.trustType = cloud[0]!.trustType;
  if (report) {
    device.diagnosis = {
      verdict: report.verdict,
      joinType: report.joinType,
      phase: report.phase,
      findings: report.findingIds,
    };
  }
  return device;
}

/** The computer's DN in the list to check: not synced for an error, or stale hybrid (disable in AD first). */
function recordDnActions(
  row: Row,
  device: ReconciledDevice,
  states: string,
  staleDn: string | undefined,
  ctx: Context,
): void {
  const dn = row.g.ad?.distinguishedName;
  if (!dn) return;
  const error = device.states.includes('not-synced')
    ? device.findings.find((x) => x.severity === 'error')
    : undefined;
  if (error) {
    ctx.actions.dnsToCheck.push({
      distinguishedName: dn,
      name: row.name,
      states,
      reason: error.title,
    });
  }
  if (staleDn) {
    ctx.actions.dnsToCheck.push({
      distinguishedName: dn,
      name: row.name,
      states,
      reason: staleDn,
    });
  }
}

function notSynced(ad: AdComputer, ctx: Context, f: Findings): void {
  const ref = [ad.ref];
  if (ad.whenCreated !== null && ctx.nowMs - ad.whenCreated < RECENT_HOURS * 3_600_000) {
    f.add('not-synced-recently-created', ref);
    return;
  }
  if (ad.operatingSystem && !/windows/i.test(ad.operatingSystem)) {
    f.add('not-synced-not-windows', ref, `Its operating system is "${ad.operatingSystem}".`);
    return;
  }
  if (ad.unreadCertificates) {
    // Only when a reader was told wrongly that the device object is known.
    f.add('not-synced-out-of-scope', ref, 'Its userCertificate values were not read.');
    return;
  }
  const certs = ad.certificates;
  if (certs.length === 0) {
    f.add('not-synced-no-certificate', ref);
    return;
  }
  const hybridCerts = certs.filter(
    (c) => !c.error && c.selfSigned && ad.objectGuid !== undefined && guidOf(c.subjectCN) === ad.objectGuid,
  );
  if (hybridCerts.length === 0) {
    const subjects = certs.map((c) =>
      c.error
        ? `an unreadable value (${c.error})`
        : `CN=${c.subjectCN ?? '?'} issued by CN=${c.issuerCN ?? '?'}`,
    );
    f.add('not-synced-no-hybrid-certificate', ref, `Found: ${subjects.join('; ')}.`);
    return;
  }
  const now = ctx.now;
  if (hybridCerts.every((c) => c.notAfter !== undefined && c.notAfter < now)) {
    const last = latest(hybridCerts.map((c) => c.notAfter));
    f.add('not-synced-certificate-expired', ref, `The latest one expired on ${last}.`);
    return;
  }
  if (ctx.entraGiven) f.add('not-synced-out-of-scope', ref);
  else f.add('not-synced-out-of-scope', ref, 'No Microsoft Entra export was given, so the object may exist.');
}

function contradictions(r: DeviceReport, g: Group, ctx: Context, f: Findings): void {
  const refs = [r.ref];
  const joined = r.azureAdJoined === true || r.joinType === 'hybrid' || r.joinType === 'entra-joined';
  const own = [...g.hybrid, ...(g.primary ? [g.primary] : [])].filter(
    (d) => r.deviceId && d.deviceId === r.deviceId,
  );
  const all = [...refs, ...own.map((d) => d.ref), ...(g.ad ? [g.ad.ref] : [])];
  if (joined && r.deviceId && ctx.entraGiven && own.length === 0) {
    f.add('contradiction-deleted-while-joined', all);
    if (ctx.leaving.has(r.deviceId)) return;
    ctx.leaving.add(r.deviceId);
    ctx.actions.devicesToLeave.push({
      name: g.ad?.name ?? nameKey(r.name ?? '').toUpperCase(),
      deviceId: r.deviceId,
      source: r.ref.source,
      reason:
        'joined to a device object that is not in the Entra export: dsregcmd /leave, then sign in again',
    });
    return;
  }
  if (joined && own.length > 0 && own.every((d) => !completed(d)))
    f.add('contradiction-pending-while-joined', all);
  if (joined && (own.some((d) => d.enabled === false) || g.ad?.enabled === false)) {
    f.add('contradiction-disabled-while-joined', all);
  }
  if (
    r.findingIds.includes('device-disabled-or-deleted') &&
    own.some((d) => d.enabled !== false && completed(d))
  ) {
    f.add('contradiction-auth-failed-while-registered', all);
  }
  if (
    !joined &&
    r.joinType === 'domain-joined' &&
    g.hybrid.some((d) => completed(d) && d.enabled !== false)
  ) {
    f.add('contradiction-not-joined-while-registered', [...refs, ...g.hybrid.map((d) => d.ref)]);
  }
}
