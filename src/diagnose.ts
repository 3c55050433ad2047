// Evidence -> diagnosis: run the rules, order the findings, settle the verdict and the failing phase,
// and say what to look at next when the inputs cannot settle the cause. Pure: `now` comes in.
import { type DsregStatus, parseDsregcmd } from './dsregcmd/parse.js';
import { type EventExportKind, readEvents, sniffEvents } from './events/read.js';
import type { EventRecord, ReadWarning } from './events/types.js';
import type { DeviceEvidence } from './evidence.js';
import { reader } from './evidence.js';
import { deriveFacts, type Facts } from './facts.js';
import { decodeText } from './input/decode.js';
import { DOCS } from './kb/docs.js';
import { RULES } from './rules/index.js';
import type { Rule } from './rules/rule.js';
import { codeSet, PHASE_ORDER } from './rules/util.js';
import { cite as citeEvent, summarize } from './story/attempts.js';
import type { Diagnosis, Evidence, Finding, Phase, Severity, TimelineEntry, Verdict } from './types.js';
import { InputError } from './types.js';

export interface DiagnoseOptions {
  /** The time the capture was taken (ISO 8601), for the PRT age and certificate checks. */
  now?: string;
  /** Rules to run (default: all). */
  rules?: readonly Rule[];
}

const SEVERITY_ORDER: Severity[] = ['error', 'warning', 'info'];

export function diagnose(ev: DeviceEvidence, rules: readonly Rule[] = RULES): Diagnosis {
  const r = reader(ev);
  const facts = deriveFacts(ev, r);
  const findings: Finding[] = [];
  const seen = new Map<string, Finding>();
  for (const rule of rules) {
    for (const f of rule.check({ ev, r, facts })) {
      // The same failure told by two inputs (a capture and an event log) is one finding with both evidences.
      const key = `${f.id}|${f.codes.map((c) => c.hex).join(',')}`;
      const existing = seen.get(key);
      if (existing) {
        existing.evidence.push(
          ...f.evidence.filter((e) => !existing.evidence.some((x) => sameEvidence(x, e))),
        );
        continue;
      }
      seen.set(key, f);
      findings.push(f);
    }
  }
  findings.sort((a, b) => rank(a) - rank(b));

  const phase = earliestPhase(findings);
  const diagnosis: Diagnosis = {
    schemaVersion: 1,
    verdict: verdictOf(findings, facts.joinType === 'unknown' && findings.length === 0),
    joinType: facts.joinType,
    phase,
    findings,
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
  const timeline = timelineOf(facts);
  if (timeline.length > 0) {
    diagnosis.timeline = timeline;
    diagnosis.attempts = {};
    if (facts.joinAttempts.length) diagnosis.attempts.join = summarize(facts.joinAttempts);
    if (facts.prtAttempts.length) diagnosis.attempts.prt = summarize(facts.prtAttempts);
  }
  return diagnosis;
}

function sameEvidence(a: Evidence, b: Evidence): boolean {
  return a.source === b.source && a.line === b.line && a.recordId === b.recordId && a.text === b.text;
}

function timelineOf(facts: Facts): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const a of facts.joinAttempts) {
    if (a.outcome === 'precheck') continue;
    const entry: TimelineEntry = {
      time: a.time,
      kind: 'join',
      outcome: a.outcome,
      phase: a.phase,
      codes: codeSet(a.codes).refs,
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
      codes: codeSet(a.codes).refs,
      summary: a.summary,
      evidence: a.records.filter((r) => r.eventId !== 1097).map((r) => citeEvent(r)),
    };
    const server = /AADSTS\d+/.exec(a.serverDescription ?? '')?.[0] ?? a.serverCode;
    if (server) entry.serverError = server;
    out.push(entry);
  }
  return out.sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0));
}

export interface TextInput {
  /** The name the input goes by in evidence: a file name as given, or '-'. */
  name: string;
  bytes: Uint8Array;
  /** An event log already read (and redacted, by src/redact/prepare.ts): its records, used as they are. */
  events?: { kind: EventExportKind; records: readonly EventRecord[] };
}

export interface InputReport {
  name: string;
  kind: 'dsregcmd' | 'evtx' | 'xml' | 'csv' | 'json' | 'unknown';
  used: boolean;
  /** Why an input was not used, or how many records it gave. */
  reason?: string;
}

/** Who and what the inputs are about, for live checks (`diagnose --probe`). */
export interface Subject {
  upn?: string;
  /** A DNS domain (not the NetBIOS DomainName). */
  domain?: string;
  tenantId?: string;
}

export interface Analysis {
  diagnosis: Diagnosis;
  subject: Subject;
  inputs: InputReport[];
  /** Damage found while reading (a bad chunk, a truncated record): the rest was read. */
  warnings: ReadWarning[];
}

/**
 * Reads every input, whatever it is (`dsregcmd /status` text, or an event log as .evtx, XML, CSV or
 * JSON), and diagnoses them together as one device. An input that is neither throws InputError,
 * unless `lenient` is set, when it is reported as unused.
 */
export function analyzeInputs(
  inputs: TextInput[],
  options: DiagnoseOptions & { lenient?: boolean } = {},
): Analysis {
  const captures: DsregStatus[] = [];
  const events: EventRecord[] = [];
  const reports: InputReport[] = [];
  const warnings: ReadWarning[] = [];
  for (const input of inputs) {
    if (input.events) {
      for (const rec of input.events.records) events.push(rec);
      const n = input.events.records.length;
      reports.push({ name: input.name, kind: input.events.kind, used: true, reason: `${n} event records` });
      continue;
    }
    const kind = sniffEvents(input.bytes);
    if (kind !== 'none') {
      const before = events.length;
      try {
        for (const rec of readEvents(input.bytes, {
          source: input.name,
          onWarning: (w) => warnings.push(w),
        })) {
          events.push(rec);
        }
      } catch (err) {
        if (!(err instanceof InputError) || !options.lenient) throw err;
        reports.push({ name: input.name, kind, used: false, reason: err.message });
        continue;
      }
      reports.push({ name: input.name, kind, used: true, reason: `${events.length - before} event records` });
      continue;
    }
    try {
      captures.push(parseDsregcmd(decodeText(input.bytes).text, input.name));
      reports.push({ name: input.name, kind: 'dsregcmd', used: true });
    } catch (err) {
      if (!(err instanceof InputError) || !options.lenient) {
        if (err instanceof InputError) {
          throw new InputError(
            input.name,
            'neither `dsregcmd /status` output nor an event log export (.evtx, XML, CSV or JSON)',
          );
        }
        throw err;
      }
      reports.push({
        name: input.name,
        kind: 'unknown',
        used: false,
        reason: 'neither dsregcmd output nor an event log',
      });
    }
  }
  const ev: DeviceEvidence = { captures, events };
  if (options.now !== undefined) ev.now = options.now;
  return { diagnosis: diagnose(ev, options.rules), subject: subjectOf(ev), inputs: reports, warnings };
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

/** The diagnosis with more findings (from live probes, say): re-ordered, verdict and phase settled again. */
export function withFindings(d: Diagnosis, extra: Finding[]): Diagnosis {
  if (extra.length === 0) return d;
  const findings = [...d.findings, ...extra].sort((a, b) => rank(a) - rank(b));
  const verdict = verdictOf(findings, d.verdict === 'unknown' && d.joinType === 'unknown');
  return { ...d, findings, verdict, phase: earliestPhase(findings) };
}

/** Decodes and parses the inputs (dsregcmd text and event logs) and diagnoses them as one device. */
export function diagnoseInputs(inputs: TextInput[], options: DiagnoseOptions = {}): Diagnosis {
  return analyzeInputs(inputs, options).diagnosis;
}

/** Diagnoses one `dsregcmd /status` text (the browser page and simple scripts use this). */
export function diagnoseText(text: string, source = '-', options: DiagnoseOptions = {}): Diagnosis {
  const ev: DeviceEvidence = { captures: [parseDsregcmd(text, source)], events: [] };
  if (options.now !== undefined) ev.now = options.now;
  return diagnose(ev, options.rules);
}

function rank(f: Finding): number {
  const sev = SEVERITY_ORDER.indexOf(f.severity);
  const ph = f.phase ? PHASE_ORDER.indexOf(f.phase) : PHASE_ORDER.length;
  return sev * 100 + ph;
}

function earliestPhase(findings: Finding[]): Phase | null {
  let best: Phase | null = null;
  for (const f of findings) {
    if (f.severity === 'info' || !f.phase) continue;
    if (f.severity === 'warning' && findings.some((x) => x.severity === 'error' && x.phase)) continue;
    if (best === null || PHASE_ORDER.indexOf(f.phase) < PHASE_ORDER.indexOf(best)) best = f.phase;
  }
  return best;
}

/** failed (an error), warning (warnings only), else healthy, or unknown when the inputs said too little. */
export function verdictOf(findings: readonly Finding[], saidTooLittle = false): Verdict {
  if (findings.some((f) => f.severity === 'error')) return 'failed';
  if (findings.some((f) => f.severity === 'warning')) return 'warning';
  return saidTooLittle ? 'unknown' : 'healthy';
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
  const joinPhases: (Phase | null)[] = ['precheck', 'discover', 'auth', 'join'];
  const joinTrouble = d.findings.some(
    (f) =>
      f.severity !== 'info' &&
      ((joinPhases.includes(f.phase ?? null) && f.phase !== null) || f.id === 'hybrid-join-incomplete'),
  );
  const prtTrouble = d.findings.some((f) => f.severity !== 'info' && f.phase === 'post-join');
  if (joinTrouble && facts.joinAttempts.length === 0) {
    out.push(
      'Read the User Device Registration Admin log (Applications and Services Logs > Microsoft > Windows > User Device Registration): events 304 and 305 give the phase and code of each attempt, 307 the discovery failure, 201 the discovery sub-error, 204 the join error, 220 an unreadable computer object.',
    );
    if (d.phase === 'auth') {
      out.push(
        'For the authentication phase, event 305 carries the ADAL error, sub-error and the server error message.',
      );
    }
    out.push(
      `If the cause is still unclear, collect the logs with Microsoft's auth scripts (start-auth.ps1 -v -accepteula, reproduce, stop-auth.ps1) as the guide describes: ${DOCS.collectJoinLogs}`,
    );
  }
  if (prtTrouble && facts.prtAttempts.length === 0) {
    out.push(
      'Read the Microsoft-Windows-AAD logs (Applications and Services Logs > Microsoft > Windows > AAD; show the Analytic log first): the events between 1006 and 1007 of one attempt, with 1081, 1088 and 1084 for the server, WS-Trust and network errors, 1022 for the URL and 1144 for the UPN used.',
    );
  }
  // A network trace helps when the network is in question: a network code, or no server answer at all.
  const prtFindings = d.findings.filter((f) => f.severity !== 'info' && f.phase === 'post-join');
  const networkCause = prtFindings.some(
    (f) =>
      !f.serverErrorCode ||
      f.codes.some((c) =>
        /^(WININET_|ERROR_WINHTTP_|ERROR_INTERNET_|ERROR_ADAL_INTERNET_|STATUS_(NETWORK|BAD_NETWORK|UNEXPECTED_NETWORK))/.test(
          c.name ?? '',
        ),
      ),
  );
  if (prtTrouble && networkCause) {
    out.push(
      `For a network cause, take a trace: \`netsh trace start scenario=internetClient_dbg capture=yes persistent=yes\`, lock and unlock, wait a minute, \`netsh trace stop\`. More in the guide: ${DOCS.collectPrtLogs}`,
    );
  }
  if (r.flag('AzureAdPrt') === true && r.value('AzureAdPrtUpdateTime') && !facts.referenceTime) {
    out.push(
      'The PRT age was not checked: the capture carries no time of its own. Pass --now with the time the capture was taken to apply the four-hour refresh rule.',
    );
  }
  return out;
}
