// Evidence -> diagnosis: run the rules, order the findings, settle the verdict and the failing phase,
// and say what to look at next when the inputs cannot settle the cause. Pure: `now` comes in.
import { type AnalyzeInput, type AnalyzeOptions, analyze, type InputReport } from './analyze.js';
import { parseDsregcmdAll } from './dsregcmd/parse.js';
import type { ReadWarning } from './events/types.js';
import type { DeviceEvidence, ProbeEvidence } from './evidence.js';
import { reader } from './evidence.js';
import { deriveFacts, type Facts } from './facts.js';
import { type CodeNames, guideNames } from './kb/names.js';
import { NETWORK_CODE_NAME, NEXT_STEPS } from './kb/next-steps.js';
import { RULES } from './rules/index.js';
import type { Rule } from './rules/rule.js';
import { codeSet } from './rules/util.js';
import { cite as citeEvent, summarize } from './story/attempts.js';
import type { Diagnosis, Evidence, Finding, Phase, TimelineEntry } from './types.js';
import { PHASES, SEVERITIES } from './types.js';
import { verdictOf } from './verdict.js';

export type { AnalyzeInput, InputReport, TextInput } from './analyze.js';
export { verdictOf };

export interface DiagnoseOptions {
  /** The time the capture was taken (ISO 8601), for the PRT age and certificate checks. */
  now?: string;
  /** Rules to run (default: all). */
  rules?: readonly Rule[];
  /**
   * The code names to cite codes with: the guide's by default; `await loadCodeNames()` adds the
   * Windows headers' names for codes outside the guide.
   */
  names?: CodeNames;
}

/** The rules' findings, the same failure told by two inputs merged into one finding. */
function runRules(
  ev: DeviceEvidence,
  r: ReturnType<typeof reader>,
  facts: Facts,
  rules: readonly Rule[],
  names: CodeNames,
): Finding[] {
  const findings: Finding[] = [];
  // Each finding kept, with the keys of its evidence once a second report of it is merged in.
  const seen = new Map<string, { finding: Finding; evidence?: Set<string> }>();
  for (const rule of rules) {
    for (const f of rule.check({ ev, r, facts, names })) {
      // The same failure told by two inputs (a capture and an event log) is one finding with both
      // evidences, each line once: looked up by key, so many attempts cost linear time.
      const key = `${f.id}|${f.codes.map((c) => c.hex).join(',')}`;
      const existing = seen.get(key);
      if (!existing) {
        seen.set(key, { finding: f });
        findings.push(f);
        continue;
      }
      existing.evidence ??= new Set(existing.finding.evidence.map(evidenceKey));
      const known = existing.evidence;
      const added = f.evidence.filter((e) => !known.has(evidenceKey(e)));
      for (const e of added) {
        known.add(evidenceKey(e));
        existing.finding.evidence.push(e);
      }
    }
  }
  return findings;
}

/**
 * One device's evidence -> its diagnosis: the rules' findings and the live checks' (`ev.probes`),
 * most severe first, the verdict, the earliest failing phase, and the next steps. Pure.
 */
export function diagnose(
  evidence: DeviceEvidence,
  optionsOrRules: DiagnoseOptions | readonly Rule[] = {},
): Diagnosis {
  // A bare list of rules is { rules } (what the rule tests pass).
  const options: DiagnoseOptions = isRuleList(optionsOrRules) ? { rules: optionsOrRules } : optionsOrRules;
  const ev = options.now !== undefined ? { ...evidence, now: options.now } : evidence;
  const r = reader(ev);
  const facts = deriveFacts(ev, r);
  const names = options.names ?? guideNames();
  const found = runRules(ev, r, facts, options.rules ?? RULES, names).sort((a, b) => rank(a) - rank(b));
  const phase = earliestPhase(found);
  const diagnosis: Diagnosis = {
    schemaVersion: 1,
    verdict: verdictOf(found, facts.joinType === 'unknown' && found.length === 0),
    joinType: facts.joinType,
    phase,
    findings: found,
  };
  const device = deviceSummary(r, facts);
  if (Object.keys(device).length > 0) diagnosis.device = device;
  const prt = prtSummary(r);
  if (Object.keys(prt).length > 0) diagnosis.prt = prt;
  const next = nextSteps(diagnosis, facts, r);
  if (next.length > 0) diagnosis.nextSteps = next;
  const sources = [
    ...new Set([...ev.captures.map((c) => c.source), ...ev.events.map((e) => e.source ?? '-')]),
  ];
  if (sources.length > 0) diagnosis.sources = sources;
  const timeline = timelineOf(facts, names);
  if (timeline.length > 0) {
    diagnosis.timeline = timeline;
    diagnosis.attempts = {};
    if (facts.joinAttempts.length) diagnosis.attempts.join = summarize(facts.joinAttempts);
    if (facts.prtAttempts.length) diagnosis.attempts.prt = summarize(facts.prtAttempts);
  }
  return ev.probes?.length ? addProbeFindings(diagnosis, ev.probes) : diagnosis;
}

/**
 * A diagnosis of the inputs alone, with the live checks' findings merged in: the findings re-ordered,
 * the verdict and the failing phase settled again. What to read next is about what the inputs could
 * not settle, so the next steps stay. `diagnose --probe` diagnoses each device once, runs the checks
 * its failing phase calls for, and merges them with this.
 */
export function addProbeFindings(diagnosis: Diagnosis, probes: readonly ProbeEvidence[]): Diagnosis {
  const probed = probes.flatMap((p) => p.findings);
  if (probed.length === 0) return diagnosis;
  const findings = [...diagnosis.findings, ...probed].sort((a, b) => rank(a) - rank(b));
  const saidTooLittle = diagnosis.joinType === 'unknown' && diagnosis.findings.length === 0;
  return {
    ...diagnosis,
    verdict: verdictOf(findings, saidTooLittle),
    phase: earliestPhase(findings),
    findings,
  };
}

function isRuleList(x: DiagnoseOptions | readonly Rule[]): x is readonly Rule[] {
  return Array.isArray(x);
}

/** Two evidence lines are the same when source, line, record and text all are. */
function evidenceKey(e: Evidence): string {
  return `${e.source}\u0000${e.line ?? ''}\u0000${e.recordId ?? ''}\u0000${e.text}`;
}

function timelineOf(facts: Facts, names: CodeNames): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const a of facts.joinAttempts) {
    if (a.outcome === 'precheck') continue;
    const entry: TimelineEntry = {
      time: a.time,
      kind: 'join',
      outcome: a.outcome,
      phase: a.phase,
      codes: codeSet(a.codes, names).refs,
      summary: a.summary,
      evidence: a.records.map((r) => citeEvent(r)),
    };
    if (a.serverCode) entry.serverError = a.serverCode;
    out.push(entry);
  }
  for (const a of facts.prtAttempts) {
    const entry: TimelineEntry = {
      time: a.time,
      kind: 'prt',
      outcome: a.outcome,
      phase: 'post-join',
      codes: codeSet(a.codes, names).refs,
      summary: a.summary,
      evidence: a.records.filter((r) => r.eventId !== 1097).map((r) => citeEvent(r)),
    };
    const server = /AADSTS\d+/.exec(a.serverDescription ?? '')?.[0] ?? a.serverCode;
    if (server) entry.serverError = server;
    out.push(entry);
  }
  return out.sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0));
}

/** Who and what the inputs are about, for live checks (`diagnose --probe`). */
export interface Subject {
  upn?: string;
  /** A DNS domain (not the NetBIOS DomainName). */
  domain?: string;
  tenantId?: string;
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The user, DNS domain and tenant the inputs name (for live checks). */
export function subjectOf(ev: DeviceEvidence): Subject {
  const r = reader(ev);
  const out: Subject = {};
  const account = r.value('Executing Account Name')?.split(',')[1]?.trim();
  const upn = [
    r.value('User Identity'),
    account,
    ...ev.events.map((e) => (e.eventId === 1144 ? e.data.Method : undefined)),
  ].find((v) => v && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v) && !v.split('@')[0]!.endsWith('$'));
  if (upn) out.upn = upn;
  const fqdn = r.value('Device Name');
  const domain = upn?.split('@')[1] ?? (fqdn?.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : undefined);
  if (domain) out.domain = domain.toLowerCase();
  const tenant =
    GUID.exec(r.value('TenantId') ?? '')?.[0] ??
    GUID.exec(r.value('AzureAdPrtAuthority') ?? '')?.[0] ??
    GUID.exec(r.value('WorkplaceTenantId') ?? '')?.[0];
  if (tenant) out.tenantId = tenant.toLowerCase();
  return out;
}

/** The inputs read as ONE device and diagnosed: what the page and older scripts call. */
export interface OneDeviceAnalysis {
  diagnosis: Diagnosis;
  subject: Subject;
  inputs: InputReport[];
  warnings: ReadWarning[];
}

/**
 * Reads the inputs and diagnoses them together as one device, whatever devices they name (the
 * browser page does this until it shows several devices; `analyze` groups them).
 */
export function analyzeInputs(
  inputs: readonly AnalyzeInput[],
  options: DiagnoseOptions & Pick<AnalyzeOptions, 'lenient' | 'onProgress'> = {},
): OneDeviceAnalysis {
  const { lenient, onProgress, ...diagnoseOptions } = options;
  const a = analyze(inputs, {
    oneDevice: true,
    ...(lenient !== undefined ? { lenient } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
  const ev = a.devices[0]!.evidence;
  return {
    diagnosis: diagnose(ev, diagnoseOptions),
    subject: subjectOf(ev),
    inputs: a.inputs,
    warnings: a.warnings,
  };
}

/** The diagnosis of analyzeInputs. */
export function diagnoseInputs(inputs: readonly AnalyzeInput[], options: DiagnoseOptions = {}): Diagnosis {
  return analyzeInputs(inputs, options).diagnosis;
}

/** Diagnoses one `dsregcmd /status` text (simple scripts and the rule tests use this). */
export function diagnoseText(text: string, source = '-', options: DiagnoseOptions = {}): Diagnosis {
  return diagnose({ captures: parseDsregcmdAll(text, source), events: [] }, options);
}

function rank(f: Finding): number {
  const sev = SEVERITIES.indexOf(f.severity);
  const ph = f.phase ? PHASES.indexOf(f.phase) : PHASES.length;
  return sev * 100 + ph;
}

function earliestPhase(findings: Finding[]): Phase | null {
  let best: Phase | null = null;
  for (const f of findings) {
    if (f.severity === 'info' || !f.phase) continue;
    if (f.severity === 'warning' && findings.some((x) => x.severity === 'error' && x.phase)) continue;
    if (best === null || PHASES.indexOf(f.phase) < PHASES.indexOf(best)) best = f.phase;
  }
  return best;
}

function deviceSummary(r: ReturnType<typeof reader>, facts: Facts): NonNullable<Diagnosis['device']> {
  const d: NonNullable<Diagnosis['device']> = {};
  const set = <K extends keyof typeof d>(k: K, v: (typeof d)[K] | undefined) => {
    if (v !== undefined && v !== '') d[k] = v;
  };
  set('name', r.value('Device Name'));
  set('deviceId', r.value('DeviceId'));
  set('tenantId', r.value('TenantId'));
  set('tenantName', r.value('TenantName'));
  set('domainName', r.value('DomainName'));
  set('domainJoined', facts.domainJoined);
  set('azureAdJoined', facts.azureAdJoined);
  set('workplaceJoined', facts.workplaceJoined);
  set('enterpriseJoined', facts.enterpriseJoined);
  return d;
}

function prtSummary(r: ReturnType<typeof reader>): NonNullable<Diagnosis['prt']> {
  const p: NonNullable<Diagnosis['prt']> = {};
  const azureAdPrt = r.flag('AzureAdPrt');
  if (azureAdPrt !== undefined) p.azureAdPrt = azureAdPrt;
  const update = isoOf(r.value('AzureAdPrtUpdateTime'));
  if (update) p.updateTime = update;
  const expiry = isoOf(r.value('AzureAdPrtExpiryTime'));
  if (expiry) p.expiryTime = expiry;
  const ent = r.flag('EnterprisePrt');
  if (ent !== undefined) p.enterprisePrt = ent;
  return p;
}

function isoOf(value: string | undefined): string | undefined {
  const m = value && /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s*(?:UTC|Z)$/i.exec(value.trim());
  return m ? `${m[1]}T${m[2]}Z` : undefined;
}

/** What to look at next, from the guide, when the capture alone cannot settle the cause. */
function nextSteps(d: Diagnosis, facts: Facts, r: ReturnType<typeof reader>): string[] {
  const out: string[] = [];
  const joinPhases: (Phase | null)[] = PHASES.filter((p) => p !== 'post-join');
  const joinTrouble = d.findings.some(
    (f) =>
      f.severity !== 'info' &&
      ((joinPhases.includes(f.phase ?? null) && f.phase !== null) || f.id === 'hybrid-join-incomplete'),
  );
  const prtTrouble = d.findings.some((f) => f.severity !== 'info' && f.phase === 'post-join');
  if (joinTrouble && facts.joinAttempts.length === 0) {
    out.push(NEXT_STEPS.readJoinLog);
    if (d.phase === 'auth') out.push(NEXT_STEPS.readAuthEvent);
    out.push(NEXT_STEPS.collectJoinLogs);
  }
  if (prtTrouble && facts.prtAttempts.length === 0) out.push(NEXT_STEPS.readAadLogs);
  // A network trace helps when the network is in question: a network code, or no server answer at all.
  const prtFindings = d.findings.filter((f) => f.severity !== 'info' && f.phase === 'post-join');
  const networkCause = prtFindings.some(
    (f) => !f.serverErrorCode || f.codes.some((c) => NETWORK_CODE_NAME.test(c.name ?? '')),
  );
  if (prtTrouble && networkCause) out.push(NEXT_STEPS.networkTrace);
  if (r.flag('AzureAdPrt') === true && r.value('AzureAdPrtUpdateTime') && !facts.referenceTime) {
    out.push(NEXT_STEPS.prtAgeUnchecked);
  }
  return out;
}
