// The report of `dsregcmd /join /debug` (and `/status /debug`): free-form trace lines
// (`dsregcmd::wmain logging initialized.`, `DsrCmdAccountMgr::…: … 0x8007054b.`, `AdalLog: …`) and
// camel-case key/value lines (`preCheckResult: DoNotJoin`, `isDcAvailable: NO`, `errorPhase: join`,
// `adalResponseCode: 0x…`, `resultCode: 0x1`), ending with `DSREGCMD_END_STATUS` and a short
// `AzureAdJoined : NO` block. Its phase and codes become the Diagnostic Data fields the rules read
// for the last registration (Error Phase, Client ErrorCode, Server ErrorCode), each citing the
// line it was read from.
import type { Line } from './lines.js';
import type { DsregField } from './parse.js';

const MARKER = /^(?:dsregcmd::\w+|DsrCmd\w*::\w+|DSREGCMD_END_STATUS\b|preCheckResult:\s)/;
const DEBUG_KV = /^([a-z][A-Za-z]{2,40}):[ \t]*(.*)$/;
const HRESULT = /0x[89a-f][0-9a-f]{7}\b/gi;
const FAILURE =
  /\b(?:fail(?:ed|ure)?|error|not|unable|cannot|can't|no domain controller|denied|timed? ?out)\b/i;

const SECTION = 'dsregcmd /join /debug';

export interface DebugReport {
  fields: DsregField[];
  notes: string[];
  /** The lines of the report's own `camelCase: value` pairs: read here, not as fields of /status. */
  consumed: Set<number>;
}

/** The Diagnostic Data fields a `/debug` report tells, or undefined when the lines are not one. */
export function debugFields(lines: readonly Line[]): DebugReport | undefined {
  if (!lines.some((l) => MARKER.test(l.text.trim()))) return undefined;
  const values = new Map<string, { value: string; at: Line }>();
  let failureCode: { code: string; at: Line } | undefined;
  const consumed = new Set<number>();
  for (const l of lines) {
    const t = l.text.trim();
    const kv = DEBUG_KV.exec(t);
    if (kv && !t.includes('::')) {
      values.set(kv[1]!.toLowerCase(), { value: kv[2]!.trim(), at: { line: l.line, text: t } });
      consumed.add(l.line);
      continue;
    }
    // A trace line that reports a failure with its HRESULT: the last one is the cause.
    if (FAILURE.test(t)) {
      const codes = t.match(HRESULT);
      if (codes)
        failureCode = { code: codes[codes.length - 1]!.toLowerCase(), at: { line: l.line, text: t } };
    }
  }
  const fields: DsregField[] = [];
  const notes: string[] = [];
  const add = (key: string, normKey: string, value: string, at: Line, why: string) => {
    fields.push({
      section: SECTION,
      sectionKey: 'diagnosticdata',
      key,
      normKey,
      value,
      line: at.line,
      text: at.text,
    });
    notes.push(`line ${at.line}: read ${key} ${value} from the /debug report (${why})`);
  };

  const precheck = values.get('precheckresult');
  const phase = values.get('errorphase');
  const result = values.get('resultcode');
  const adal = values.get('adalresponsecode');
  const isHresult = (v: string | undefined) => v !== undefined && /^0x[89a-f][0-9a-f]{7}$/i.test(v);

  let phaseValue: { value: string; at: Line; why: string } | undefined;
  if (phase && phase.value !== 'undefined' && phase.value !== '') {
    phaseValue = { value: phase.value, at: phase.at, why: 'errorPhase' };
  } else if (precheck && /^DoNotJoin$/i.test(precheck.value)) {
    // The pre-join checks said no: the join stopped in the precheck phase.
    phaseValue = { value: 'precheck', at: precheck.at, why: 'preCheckResult DoNotJoin' };
  }
  let code: { value: string; at: Line; why: string } | undefined;
  if (isHresult(result?.value))
    code = { value: result!.value.toLowerCase(), at: result!.at, why: 'resultCode' };
  else if (isHresult(adal?.value))
    code = { value: adal!.value.toLowerCase(), at: adal!.at, why: 'adalResponseCode' };
  else if (failureCode) code = { value: failureCode.code, at: failureCode.at, why: 'the failing trace line' };
  // A failure with no phase: the join did not complete.
  if (!phaseValue && code && result && result.value !== '0x0' && result.value !== '0') {
    phaseValue = { value: 'join', at: result.at, why: 'a non-zero resultCode' };
  }
  if (phaseValue) add('Error Phase', 'errorphase', phaseValue.value, phaseValue.at, phaseValue.why);
  if (code) add('Client ErrorCode', 'clienterrorcode', code.value, code.at, code.why);
  const server = values.get('servererrorcode') ?? values.get('servererror');
  if (server && server.value !== '' && server.value !== 'undefined') {
    add('Server ErrorCode', 'servererrorcode', server.value, server.at, 'serverErrorCode');
  }
  const registration = values.get('registrationtype');
  if (registration && registration.value !== 'undefined') {
    add('Registration Type', 'registrationtype', registration.value, registration.at, 'registrationType');
  }
  const tenant = values.get('tenantid');
  if (tenant && /^[0-9a-f-]{36}$/i.test(tenant.value)) {
    fields.push({
      section: SECTION,
      sectionKey: 'diagnosticdata',
      key: 'TenantId',
      normKey: 'tenantid',
      value: tenant.value,
      line: tenant.at.line,
      text: tenant.at.text,
    });
  }
  return { fields, notes, consumed };
}
