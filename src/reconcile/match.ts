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
import { guidOf, nameKey } from './values.js';

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

function push<K, V>(m: Map<K, V[]>, k: K | undefined, v: V): void {
  if (k === undefined || k === '') return;
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** Claims the objects of a list that no computer has claimed yet for the computer of a row. */
function take(g: Group, claimed: Set<EntraDevice>, list: EntraDevice[] | undefined, how: MatchedBy): void {
  if (!list) return;
  for (const d of list) {
    if (claimed.has(d)) continue;
    claimed.add(d);
    g.hybrid.push(d);
    if (g.matchedBy === 'none') g.matchedBy = how;
  }
}

const completed = (d: EntraDevice) => d.registrationTime !== null && d.hasAlternativeSecurityIds !== false;
const latest = (times: (string | null | undefined)[]): string | null =>
  times.reduce<string | null>((a, t) => (t && (!a || t > a) ? t : a), null);

export function reconcile(input: ReconcileInput, options: ReconcileOptions): Reconciliation {
  const staleDays = options.staleDays ?? 90;
  if (!(staleDays >= MIN_STALE_DAYS)) {
    throw new RangeError(`the staleness threshold must be at least ${MIN_STALE_DAYS} days`);
  }
  const nowMs = Date.parse(options.now);
  if (Number.isNaN(nowMs)) throw new RangeError(`now "${options.now}" is not a date`);
  const asOf = new Date(nowMs).toISOString();
  const staleBefore = new Date(nowMs - staleDays * DAY).toISOString();
  const entraGiven = input.entra.length > 0 || (input.inputs ?? []).some((i) => i.kind === 'entra-devices');

  // Indexes over the Entra objects: deviceId, SID and certificate for hybrid ones, name for all.
  const byDeviceId = new Map<string, EntraDevice[]>();
  const bySid = new Map<string, EntraDevice[]>();
  const byThumb = new Map<string, EntraDevice[]>();
  for (const d of input.entra) {
    if (d.trustType !== 'ServerAd') continue;
    push(byDeviceId, d.deviceId, d);
    if (d.sid) push(bySid, d.sid, d);
    for (const t of d.thumbprints) push(byThumb, t, d);
  }
  const claimed = new Set<EntraDevice>();
  const groups: Group[] = [];

  for (const ad of input.ad) {
    const g: Group = { ad, hybrid: [], registered: [], matchedBy: 'none', reports: [], reportByName: false };
    take(g, claimed, ad.objectGuid ? byDeviceId.get(ad.objectGuid) : undefined, 'deviceId');
    if (bySid.size > 0 && ad.sid) take(g, claimed, bySid.get(ad.sid), 'sid');
    for (const c of ad.certificates)
      if (byThumb.size > 0) take(g, claimed, byThumb.get(c.thumbprint), 'certificate');
    groups.push(g);
  }
  // The name only as a last resort, once every exact match has claimed its objects. The indexes
  // below are built only when something needs them: most fleets match almost all by objectGUID.
  const hybridByName = new Map<string, EntraDevice[]>();
  if (groups.some((g) => g.hybrid.length === 0)) {
    for (const d of input.entra) {
      if (d.trustType === 'ServerAd' && !claimed.has(d)) push(hybridByName, nameKey(d.name), d);
    }
  }
  for (const g of groups) {
    if (g.hybrid.length > 0 || !g.ad) continue;
    for (const d of hybridByName.get(nameKey(g.ad.name)) ?? []) {
      if (claimed.has(d)) continue;
      claimed.add(d);
      g.hybrid.push(d);
      g.matchedBy = 'name';
    }
  }
  // Hybrid objects left: orphaned, one row per deviceId (several with one deviceId are duplicates).
  const orphanById = new Map<string, Group>();
  for (const d of input.entra) {
    if (d.trustType !== 'ServerAd' || claimed.has(d)) continue;
    const key = d.deviceId ?? d.objectId ?? `#${groups.length}`;
    const existing = orphanById.get(key);
    if (existing) existing.hybrid.push(d);
    else {
      const g: Group = { hybrid: [d], registered: [], matchedBy: 'none', reports: [], reportByName: false };
      orphanById.set(key, g);
      groups.push(g);
    }
  }
  const adNames = new Set<string>();
  if (orphanById.size > 0) for (const ad of input.ad) adNames.add(nameKey(ad.name));
  const rowByName = new Map<string, Group>();
  if (input.entra.some((d) => d.trustType === 'Workplace')) {
    for (const g of groups) {
      const n = nameKey(g.ad?.name ?? g.hybrid[0]?.name ?? '');
      if (n && !rowByName.has(n)) rowByName.set(n, g);
    }
  }
  for (const d of input.entra) {
    if (d.trustType === 'ServerAd') continue;
    const same = d.trustType === 'Workplace' ? rowByName.get(nameKey(d.name)) : undefined;
    if (same) same.registered.push(d);
    else
      groups.push({
        primary: d,
        hybrid: [],
        registered: [],
        matchedBy: 'none',
        reports: [],
        reportByName: false,
      });
  }

  // Device reports: by DeviceId to the object (or the computer whose objectGUID it is), else by name.
  const groupById = new Map<string, Group>();
  const groupByName = new Map<string, Group>();
  for (const g of input.diagnoses?.length ? groups : []) {
    for (const d of g.primary ? [...g.hybrid, g.primary] : g.hybrid) {
      if (d.deviceId && !groupById.has(d.deviceId)) groupById.set(d.deviceId, g);
    }
    if (g.ad?.objectGuid && !groupById.has(g.ad.objectGuid)) groupById.set(g.ad.objectGuid, g);
    if (g.ad && !groupByName.has(nameKey(g.ad.name))) groupByName.set(nameKey(g.ad.name), g);
  }
  for (const r of input.diagnoses ?? []) {
    let g = r.deviceId ? groupById.get(r.deviceId) : undefined;
    if (!g && r.name) {
      g = groupByName.get(nameKey(r.name));
      if (g) g.reportByName = true;
    }
    if (!g) {
      g = { hybrid: [], registered: [], matchedBy: 'none', reports: [], reportByName: false };
      groups.push(g);
    }
    g.reports.push(r);
  }

  const actions: Actions = { dnsToCheck: [], objectIdsToDisable: [], devicesToLeave: [] };
  const ctx: Context = { nowMs, staleBefore, staleDays, entraGiven, adNames, actions, leaving: new Set() };
  const devices = groups.map((g) => judge(g, ctx));
  devices.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const summary = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<State, number>;
  for (const d of devices) for (const s of d.states) summary[s]++;
  const out: Reconciliation = { schemaVersion: 1, asOf, staleDays, devices, summary, actions };
  if (input.inputs) out.inputs = [...input.inputs];
  return out;
}

interface Context {
  nowMs: number;
  staleBefore: string;
  staleDays: number;
  entraGiven: boolean;
  adNames: Set<string>;
  actions: Actions;
  /** DeviceIds already in devicesToLeave. */
  leaving: Set<string>;
}

function judge(g: Group, ctx: Context): ReconciledDevice {
  const { ad } = g;
  const cloud = g.primary ? [...g.hybrid, g.primary] : g.hybrid;
  const all = g.registered.length > 0 ? [...cloud, ...g.registered] : cloud;
  const findings: ReconcileFinding[] = [];
  // The same finding from two device reports (a capture and a diagnosis) is one, with both rows.
  const add = (id: FindingId, evidence: Evidence[], extra?: string) => {
    const same = findings.find((f) => f.id === id);
    if (!same) findings.push(makeFinding(id, evidence, extra));
    else for (const e of evidence) if (!same.evidence.includes(e)) same.evidence.push(e);
  };
  const adRef = ad ? [ad.ref] : [];
  const report = g.reports[0];
  const name =
    ad?.name ??
    cloud[0]?.name ??
    (report?.name ? report.name.split('.')[0]! : undefined) ??
    g.registered[0]?.name ??
    '(no name)';

  let lastSignIn: string | null = null;
  for (const d of all)
    if (d.lastSignIn && (!lastSignIn || d.lastSignIn > lastSignIn)) lastSignIn = d.lastSignIn;
  const lastLogon = ad?.lastLogon ?? null;
  const hybrid = g.hybrid;

  // Hybrid objects of the computer.
  if (hybrid.length > 0) {
    if (g.matchedBy === 'name') add('matched-by-name', [...adRef, ...hybrid.map((d) => d.ref)]);
    const pending = hybrid.filter((d) => !completed(d));
    if (pending.length === hybrid.length)
      add('pending-registration', [...adRef, ...pending.map((d) => d.ref)]);
    if (hybrid.length > 1) {
      add(
        'duplicate-device-objects',
        hybrid.map((d) => d.ref),
      );
      const keep = hybrid.reduce((a, d) => ((d.lastSignIn ?? '') > (a.lastSignIn ?? '') ? d : a));
      for (const d of hybrid) {
        if (d === keep || !d.objectId || (d.lastSignIn && d.lastSignIn >= ctx.staleBefore)) continue;
        ctx.actions.objectIdsToDisable.push({
          objectId: d.objectId,
          deviceId: d.deviceId ?? '',
          name,
          trustType: 'ServerAd',
          reason: `duplicate of ${keep.objectId ?? keep.deviceId ?? 'the object in use'}, no sign-in since ${d.lastSignIn ?? 'ever'}`,
        });
      }
    }
    if (!ad) {
      const same = ctx.adNames.has(nameKey(name));
      add(
        'orphaned-device-object',
        hybrid.map((d) => d.ref),
        same
          ? 'A computer of the same name is in the export with another objectGUID: most likely it was re-created, and this object is left from its earlier join.'
          : undefined,
      );
    }
  } else if (ad) {
    notSynced(ad, ctx, add);
  }
  if (g.primary?.trustType === 'AzureAd') add('entra-joined-device', [g.primary.ref]);
  if (g.primary && g.primary.trustType !== 'AzureAd') add('registered-only-device', [g.primary.ref]);
  if (g.registered.length > 0 && (hybrid.length > 0 || ad)) {
    add('dual-state-registered-object', [
      ...adRef,
      ...hybrid.map((d) => d.ref),
      ...g.registered.map((d) => d.ref),
    ]);
  }

  const disabledObjects = cloud.filter((d) => d.enabled === false);
  if (disabledObjects.length > 0)
    add(
      'disabled-in-entra',
      disabledObjects.map((d) => d.ref),
    );
  if (ad?.enabled === false) add('disabled-in-ad', adRef);

  // Stale: every time known is older than the threshold (a device never seen anywhere is not judged).
  const times = [lastSignIn, lastLogon].filter((t): t is string => t !== null);
  const stale =
    (cloud.length > 0 || ad !== undefined) &&
    times.length > 0 &&
    times.every((t) => t < ctx.staleBefore) &&
    !(cloud.length > 0 && cloud.every((d) => !completed(d)) && !lastSignIn && !lastLogon);
  let staleDn: string | undefined;
  if (stale) {
    add('stale-device', [...adRef, ...all.map((d) => d.ref)]);
    const reason = `no sign-in or logon since ${latest(times)} (threshold ${ctx.staleDays} days)`;
    if (ad?.distinguishedName && hybrid.length > 0) {
      staleDn = `stale hybrid device: disable the computer in AD first; ${reason}`;
    } else if (!ad || hybrid.length === 0) {
      for (const d of cloud) {
        if (!d.objectId) continue;
        ctx.actions.objectIdsToDisable.push({
          objectId: d.objectId,
          deviceId: d.deviceId ?? '',
          name,
          trustType: d.trustType ?? '',
          reason: `stale: ${reason}`,
        });
      }
    }
  }

  // What the devices say of themselves.
  for (const r of g.reports) contradictions(r, g, ctx, add);
  if (!ad && cloud.length === 0 && g.registered.length === 0 && findings.length === 0 && report) {
    add(
      'device-not-in-exports',
      g.reports.map((r) => r.ref),
    );
  }
  // Why a device has not joined is what its own diagnosis says: told beside the directory's view.
  const failing = g.reports.find((r) => r.verdict === 'failed' || r.verdict === 'warning');
  if (failing) {
    const what = `The device's own diagnosis (${failing.ref.source}): ${failing.verdict}${failing.phase ? ` in the ${failing.phase} phase` : ''}${failing.findingIds.length ? ` (${failing.findingIds.join(', ')})` : ''}; \`dsreg-doctor diagnose\` on its inputs gives the cause and the fix.`;
    for (const f of findings) {
      const st = stateOf(f.id as FindingId);
      if (st === 'not-synced' || st === 'pending') {
        f.cause = `${f.cause} ${what}`;
        if (!f.evidence.includes(failing.ref)) f.evidence.push(failing.ref);
      }
    }
  }

  const states = new Set<State>(findings.map((f) => stateOf(f.id as FindingId)));
  if (findings.some((f) => f.id === 'matched-by-name')) states.delete('registered');
  const completedHybrid = hybrid.some(completed);
  if (
    completedHybrid &&
    !states.has('pending') &&
    !states.has('disabled') &&
    !states.has('stale') &&
    !states.has('orphaned')
  ) {
    states.add('registered');
  }
  if (states.size === 0)
    states.add(report?.joinType === 'entra-registered' ? 'registered-only' : 'not-synced');

  if (findings.length > 0) {
    if (ad && !ad.ref.text) ad.ref.text = describeRow({ kind: 'ad-computers', row: ad });
    for (const d of all) if (!d.ref.text) d.ref.text = describeRow({ kind: 'entra-devices', row: d });
    for (const r of g.reports)
      if (!r.ref.text) r.ref.text = describeRow({ kind: 'device-diagnosis', row: r });
  }
  const device: ReconciledDevice = {
    name,
    matchedBy: g.matchedBy,
    states: STATES.filter((s) => states.has(s)),
    lastSignIn,
    lastLogon,
    findings,
  };
  if (ad?.objectGuid) device.objectGuid = ad.objectGuid;
  if (ad?.distinguishedName) device.distinguishedName = ad.distinguishedName;
  const deviceId = cloud.find((d) => d.deviceId)?.deviceId ?? report?.deviceId;
  if (deviceId) device.deviceId = deviceId;
  const ids = all.map((d) => d.objectId).filter((x): x is string => Boolean(x));
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
  if (ad?.distinguishedName && states.has('not-synced') && findings.some((f) => f.severity === 'error')) {
    ctx.actions.dnsToCheck.push({
      distinguishedName: ad.distinguishedName,
      name,
      states: device.states.join(' '),
      reason: findings.find((f) => f.severity === 'error')!.title,
    });
  }
  if (staleDn && ad?.distinguishedName) {
    ctx.actions.dnsToCheck.push({
      distinguishedName: ad.distinguishedName,
      name,
      states: device.states.join(' '),
      reason: staleDn,
    });
  }
  return device;
}

type Add = (id: FindingId, evidence: Evidence[], extra?: string) => void;

function notSynced(ad: AdComputer, ctx: Context, add: Add): void {
  const ref = [ad.ref];
  if (ad.whenCreated && ctx.nowMs - Date.parse(ad.whenCreated) < RECENT_HOURS * 3_600_000) {
    add('not-synced-recently-created', ref);
    return;
  }
  if (ad.operatingSystem && !/windows/i.test(ad.operatingSystem)) {
    add('not-synced-not-windows', ref, `Its operating system is "${ad.operatingSystem}".`);
    return;
  }
  const certs = ad.certificates;
  if (certs.length === 0) {
    add('not-synced-no-certificate', ref);
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
    add('not-synced-no-hybrid-certificate', ref, `Found: ${subjects.join('; ')}.`);
    return;
  }
  const now = new Date(ctx.nowMs).toISOString();
  if (hybridCerts.every((c) => c.notAfter !== undefined && c.notAfter < now)) {
    const last = latest(hybridCerts.map((c) => c.notAfter));
    add('not-synced-certificate-expired', ref, `The latest one expired on ${last}.`);
    return;
  }
  if (ctx.entraGiven) add('not-synced-out-of-scope', ref);
  else add('not-synced-out-of-scope', ref, 'No Microsoft Entra export was given, so the object may exist.');
}

function contradictions(r: DeviceReport, g: Group, ctx: Context, add: Add): void {
  const refs = [r.ref];
  const joined = r.azureAdJoined === true || r.joinType === 'hybrid' || r.joinType === 'entra-joined';
  const own = [...g.hybrid, ...(g.primary ? [g.primary] : [])].filter(
    (d) => r.deviceId && d.deviceId === r.deviceId,
  );
  const all = [...refs, ...own.map((d) => d.ref), ...(g.ad ? [g.ad.ref] : [])];
  if (joined && r.deviceId && ctx.entraGiven && own.length === 0) {
    add('contradiction-deleted-while-joined', all);
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
    add('contradiction-pending-while-joined', all);
  if (joined && (own.some((d) => d.enabled === false) || g.ad?.enabled === false)) {
    add('contradiction-disabled-while-joined', all);
  }
  if (
    r.findingIds.includes('device-disabled-or-deleted') &&
    own.some((d) => d.enabled !== false && completed(d))
  ) {
    add('contradiction-auth-failed-while-registered', all);
  }
  if (
    !joined &&
    r.joinType === 'domain-joined' &&
    g.hybrid.some((d) => completed(d) && d.enabled !== false)
  ) {
    add('contradiction-not-joined-while-registered', [...refs, ...g.hybrid.map((d) => d.ref)]);
  }
}
