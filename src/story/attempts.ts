// The event logs as a story: join attempts from User Device Registration/Admin, PRT attempts from
// Microsoft-Windows-AAD, in time order. Keyed on provider, event ID and field names, never on the
// (localized) message text.
import type { EventRecord } from '../events/types.js';
import type { Evidence, Phase } from '../types.js';
import { codesIn, drsResponse, eventText, field, keyValues, messageOnly } from './values.js';

export const UDR = 'microsoft-windows-user device registration';
export const AAD = 'microsoft-windows-aad';

export function providerOf(rec: EventRecord): 'udr' | 'aad' | undefined {
  const p = rec.provider.toLowerCase();
  if (p === UDR || p === 'user device registration' || p.includes('23b8d46b')) return 'udr';
  if (p === AAD || p === 'aad' || p.includes('4de9bc9c')) return 'aad';
  const ch = rec.channel?.toLowerCase() ?? '';
  if (ch.startsWith('microsoft-windows-user device registration')) return 'udr';
  if (ch.startsWith('microsoft-windows-aad/')) return 'aad';
  return undefined;
}

export function cite(rec: EventRecord, keys?: string[]): Evidence {
  return { source: rec.source ?? '-', recordId: rec.recordId, text: eventText(rec, keys) };
}

export interface JoinAttempt {
  time: string;
  outcome: 'success' | 'failure' | 'precheck';
  phase: Phase | null;
  /** Main code first, then sub-codes (ADAL response code, the error of event 220 ...). */
  codes: number[];
  serverCode?: string;
  serverMessage?: string;
  registrationType?: string;
  tenantType?: string;
  /** The record that ends the attempt, then the ones that explain it. */
  records: EventRecord[];
  /** One line for the timeline. */
  summary: string;
}

export interface PrtAttempt {
  start?: string;
  time: string;
  outcome: 'success' | 'failure';
  codes: number[];
  serverCode?: string;
  serverDescription?: string;
  upn?: string;
  endpoint?: string;
  correlationId?: string;
  records: EventRecord[];
  summary: string;
}

/**
 * Time order. Exports with whole seconds (Event Viewer's CSV) tie the events of one attempt, and
 * may list them newest first: within a tie the events that end an attempt (304-307, 1007) go last.
 */
const ENDS = new Set([304, 305, 306, 307, 1007]);
const byTime = (a: EventRecord, b: EventRecord) =>
  a.time < b.time
    ? -1
    : a.time > b.time
      ? 1
      : Number(ENDS.has(a.eventId)) - Number(ENDS.has(b.eventId)) ||
        (a.eventId === 1006 ? -1 : b.eventId === 1006 ? 1 : a.recordId - b.recordId);

/** Seconds between two ISO times. */
function gap(a: string, b: string): number {
  return Math.abs(Date.parse(a) - Date.parse(b)) / 1000;
}

/** Events that end a join attempt, and the phase each names. */
const JOIN_END: Record<number, Phase | 'success'> = {
  304: 'join',
  305: 'auth',
  307: 'discover',
  306: 'success',
};
/** Events that explain the next attempt's failure. */
const JOIN_DETAIL: Record<number, Phase> = {
  201: 'discover',
  200: 'discover',
  204: 'join',
  202: 'join',
  203: 'join',
  220: 'join',
  309: 'discover',
};
/** How long before the attempt's end a detail event may come (the task runs in well under this). */
const ATTEMPT_WINDOW_S = 300;

export function joinAttempts(events: EventRecord[]): JoinAttempt[] {
  const udr = events.filter((e) => providerOf(e) === 'udr').sort(byTime);
  const attempts: JoinAttempt[] = [];
  let pending: EventRecord[] = [];
  for (const rec of udr) {
    const end = JOIN_END[rec.eventId];
    if (JOIN_DETAIL[rec.eventId] !== undefined) {
      pending.push(rec);
      continue;
    }
    if (rec.eventId === 335) {
      // Pre-check: the device is already joined, so the task has nothing to do.
      attempts.push(single(rec, 'success', null, 'already joined'));
      continue;
    }
    if (rec.eventId === 334) {
      attempts.push(single(rec, 'failure', 'precheck', 'pre-check: no domain controller could be located'));
      continue;
    }
    if (end === undefined) continue;
    const details = pending.filter((p) => gap(p.time, rec.time) <= ATTEMPT_WINDOW_S);
    pending = [];
    if (end === 'success') {
      attempts.push(single(rec, 'success', null, 'joined'));
      continue;
    }
    const failed = failedJoin(rec, end, details);
    // A failed SCP lookup logs 307 and then 304 for the same run: one attempt, in the discover phase.
    const prev = attempts[attempts.length - 1];
    const prevEnd = prev?.records[0];
    if (prev && prevEnd?.eventId === 307 && rec.eventId === 304 && gap(prevEnd.time, rec.time) <= 10) {
      for (const c of failed.codes) if (!prev.codes.includes(c)) prev.codes.push(c);
      prev.records.push(...failed.records);
      prev.serverCode ??= failed.serverCode;
      prev.serverMessage ??= failed.serverMessage;
      continue;
    }
    attempts.push(failed);
  }
  // Detail events with no closing event (a log cut short) still tell of a failure.
  if (pending.length > 0) {
    const last = pending[pending.length - 1]!;
    attempts.push(failedJoin(last, JOIN_DETAIL[last.eventId]!, pending.slice(0, -1)));
  }
  return attempts;
}

/** An attempt that one event tells whole (306 joined, 335 already joined, 334 no domain controller). */
function single(
  rec: EventRecord,
  outcome: JoinAttempt['outcome'],
  phase: Phase | null,
  summary: string,
): JoinAttempt {
  return { time: rec.time, outcome, phase, codes: [], records: [rec], summary };
}

function failedJoin(rec: EventRecord, phase: Phase, details: EventRecord[]): JoinAttempt {
  const a: JoinAttempt = {
    time: rec.time,
    outcome: 'failure',
    phase,
    codes: [],
    records: [rec, ...details],
    summary: '',
  };
  const push = (codes: number[]) => {
    for (const c of codes) if (c !== 0 && !a.codes.includes(c)) a.codes.push(c);
  };
  if (messageOnly(rec)) {
    // Only the rendered (maybe localized) message survived: take the codes and the untranslated parts.
    const debug = keyValues(rec.message);
    const p = (debug.errorPhase ?? '').toLowerCase();
    if (p.startsWith('auth')) a.phase = 'auth';
    else if (p.startsWith('discover')) a.phase = 'discover';
    push(codesIn(rec.message));
    fromMessage(a, rec.message!);
  } else if (rec.eventId === 304) {
    // DebugOutput holds `errorPhase: ...`; builds that write three values put it in TenantType.
    const debug = keyValues(
      [field(rec, 'TenantType', 2), field(rec, 'DebugOutput', 4), rec.message].filter(Boolean).join('\n'),
    );
    const p = (debug.errorPhase ?? '').toLowerCase();
    if (p.startsWith('auth')) a.phase = 'auth';
    else if (p.startsWith('discover')) a.phase = 'discover';
    else if (p.startsWith('pre')) a.phase = 'precheck';
    push(codesIn(field(rec, 'ExitCode', 0)));
    push(codesIn(debug.adalResponseCode));
    const server = field(rec, 'ServerErrorMessage', 1);
    if (server?.trim() && !/^empty$/i.test(server.trim())) {
      const drs = drsResponse(server);
      if (drs.errorType) a.serverCode = drs.errorType;
      a.serverMessage = drs.message ?? server.trim();
    }
    if (debug.registrationType && debug.registrationType !== 'undefined')
      a.registrationType = debug.registrationType;
    if (debug.tenantType) a.tenantType = debug.tenantType;
  } else if (rec.eventId === 305) {
    push(codesIn(field(rec, 'ExitCode', 0)));
    const server = keyValues(field(rec, 'ServerErrorMessage', 1));
    push(codesIn(server.AdalErrorCode));
    if (server.AdalMessage) a.serverMessage = server.AdalMessage;
    const tt = field(rec, 'TenantType', 2);
    if (tt) a.tenantType = tt;
  } else {
    push(codesIn(field(rec, 'ExitCode', 0) ?? field(rec, 'ErrorCode')));
  }
  for (const d of details) {
    if (messageOnly(d)) {
      push(codesIn(d.message));
      fromMessage(a, d.message!);
      continue;
    }
    if (d.eventId === 204 || d.eventId === 201) {
      push(codesIn(field(d, 'ExitCode', 0)));
      const drs = drsResponse(
        field(d, d.eventId === 204 ? 'ServerResponse' : 'ServerMessage', d.eventId === 204 ? 3 : 2),
      );
      if (drs.errorType && !a.serverCode) a.serverCode = drs.errorType;
      if (drs.message && !a.serverMessage) a.serverMessage = drs.message;
    } else if (d.eventId === 220) {
      // The computer object could not be read: the SCP read fails with 0x801c001d; 1312/1317 mean replication.
      push([0x801c001d]);
      push(codesIn(field(d, 'ErrorCode', 1)));
    } else {
      push(codesIn(field(d, 'ExitCode', 0) ?? field(d, 'ErrorCode')));
    }
  }
  const main = a.codes[0];
  a.summary = `failed in the ${a.phase} phase${main !== undefined ? ` with 0x${main.toString(16)}` : ''}${a.serverCode ? ` (${a.serverCode})` : ''}`;
  return a;
}

function fromMessage(a: JoinAttempt, message: string): void {
  const brace = message.indexOf('{');
  const json = brace >= 0 ? drsResponse(message.slice(brace)) : {};
  // The server error names (DirectoryError ...) are not translated; take the rest of their line.
  const line = /\b((?:Directory|Authentication)Error)\b[:.\s-]*([^\r\n]*)/.exec(message);
  const serverCode = json.errorType ?? line?.[1];
  const serverMessage = json.message ?? (line?.[2]?.trim() || undefined);
  if (serverCode && !a.serverCode) a.serverCode = serverCode;
  if (serverMessage && !a.serverMessage) a.serverMessage = serverMessage;
}

/** PRT attempts: what lies between 1006 and 1007; Operational errors without the Analytic brackets are grouped by time. */
export function prtAttempts(events: EventRecord[]): PrtAttempt[] {
  const aad = events.filter((e) => providerOf(e) === 'aad').sort(byTime);
  const attempts: PrtAttempt[] = [];
  let current: EventRecord[] | undefined;
  let loose: EventRecord[] = [];
  const flushLoose = () => {
    const errors = loose.filter((e) => PRT_ERRORS.has(e.eventId));
    if (errors.length > 0) attempts.push(prtAttempt(loose, undefined));
    loose = [];
  };
  for (const rec of aad) {
    if (rec.eventId === 1006) {
      flushLoose();
      current = [rec];
      continue;
    }
    if (rec.eventId === 1007) {
      attempts.push(prtAttempt([...(current ?? []), rec], rec));
      current = undefined;
      continue;
    }
    if (current) current.push(rec);
    else {
      if (loose.length > 0 && gap(loose[loose.length - 1]!.time, rec.time) > 60) flushLoose();
      loose.push(rec);
    }
  }
  if (current) loose.push(...current);
  flushLoose();
  return attempts;
}

/** Operational events that report an error of the PRT flow (1097 is informational and never counts alone). */
const PRT_ERRORS = new Set([
  1081, 1084, 1085, 1086, 1087, 1088, 1094, 1098, 1104, 1118, 1155, 1160, 1161, 1162, 1163,
]);

function prtAttempt(records: EventRecord[], end: EventRecord | undefined): PrtAttempt {
  const codes: number[] = [];
  const push = (cs: number[]) => {
    for (const c of cs) if (c !== 0 && !codes.includes(c)) codes.push(c);
  };
  const status = end ? codesIn(messageOnly(end) ? end.message : field(end, 'Status', 0)) : [];
  push(status);
  const a: PrtAttempt = {
    time: (end ?? records[records.length - 1]!).time,
    outcome: 'failure',
    codes,
    records,
    summary: '',
  };
  if (records[0]?.eventId === 1006) a.start = records[0].time;
  for (const r of records) {
    if (messageOnly(r)) {
      if (r.eventId === 1097 || r.eventId === 1006 || r.eventId === 1007) continue;
      const aadsts = /AADSTS\d+[^\r\n]*/.exec(r.message!);
      if (aadsts && !a.serverDescription) a.serverDescription = aadsts[0];
      const oauth =
        /\b(invalid_grant|invalid_request|invalid_client|unauthorized_client|interaction_required)\b/.exec(
          r.message!,
        );
      if (oauth && !a.serverCode) a.serverCode = oauth[1]!;
      const url = /https:\/\/[^\s"<>]+/.exec(r.message!);
      if (url && r.eventId === 1022) a.endpoint = url[0];
      if (PRT_ERRORS.has(r.eventId)) push(codesIn(r.message));
      continue;
    }
    switch (r.eventId) {
      case 1081: {
        const err = field(r, 'Error', 0);
        const desc = field(r, 'ErrorDescription', 1);
        if (err) a.serverCode = err;
        if (desc) a.serverDescription = desc;
        break;
      }
      case 1088: {
        const err = field(r, 'Error', 0);
        const desc = field(r, 'ErrorDescription', 1);
        if (!a.serverCode && err) a.serverCode = err;
        if (!a.serverDescription && desc) a.serverDescription = `WS-Trust: ${err ?? ''} ${desc}`.trim();
        break;
      }
      case 1084:
        push(codesIn(field(r, 'Result', 0)));
        break;
      case 1085:
      case 1086:
      case 1087:
      case 1094:
      case 1118:
      case 1155:
      case 1160:
        push(codesIn(field(r, 'Status', 0)));
        break;
      case 1098:
        // The token broker's own code, then the code inside its text.
        push(codesIn(field(r, 'Error', 0)));
        push(codesIn(field(r, 'AdditionalInformation', 2)));
        break;
      case 1104:
        push(codesIn(field(r, 'Result', 1)));
        break;
      case 1022:
        a.endpoint = field(r, 'value', 0) ?? a.endpoint;
        break;
      case 1144:
        // The template is shared with 1025: the UPN sits in the field named Method (position 1).
        a.upn = field(r, 'Method', 1) ?? a.upn;
        break;
      case 1018:
        a.correlationId = field(r, 'value', 0) ?? a.correlationId;
        break;
    }
  }
  // 1007 with status 0 ends a successful attempt; an attempt with no 1007 failed if it logged errors.
  if (end && (status.length === 0 || status[0] === 0)) {
    a.outcome = 'success';
    a.codes = [];
  }
  a.summary =
    a.outcome === 'success'
      ? 'PRT acquired'
      : `PRT attempt failed${codes[0] !== undefined ? ` with 0x${codes[0].toString(16)}` : ''}${a.serverDescription ? ` (${a.serverDescription.split(':')[0]})` : ''}`;
  return a;
}

export interface AttemptSummary {
  count: number;
  failures: number;
  firstFailure?: string;
  lastFailure?: string;
  lastSuccess?: string;
}

export function summarize(attempts: { time: string; outcome: string }[]): AttemptSummary {
  const s: AttemptSummary = { count: attempts.length, failures: 0 };
  for (const a of attempts) {
    if (a.outcome === 'success') s.lastSuccess = a.time;
    else if (a.outcome === 'failure') {
      s.failures++;
      s.firstFailure ??= a.time;
      s.lastFailure = a.time;
    }
  }
  return s;
}
