// The same SCP facts, offline: from an `ldifde` export or `Get-ADObject ... -Properties keywords`
// output of the AD object, or from a `reg export` / `reg query` of the client-side SCP key
// HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\CDJ\AAD (TenantId, TenantName). Pure: takes text.
import { DOCS } from '../kb/docs.js';
import type { Evidence, Finding } from '../types.js';
import { resultOf } from './checks.js';
import { codeRef } from './network-findings.js';
import { keywordFindings, parseKeywords } from './scp.js';
import type { CheckResult, ScpFacts } from './types.js';

export const CDJ_AAD_KEY = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\CDJ\\AAD';

export type ScpFileKind = 'registry' | 'ad-export';

export function sniffScpFile(text: string): ScpFileKind | undefined {
  if (/^\uFEFF?\s*(Windows Registry Editor Version 5\.00|REGEDIT4)/.test(text)) return 'registry';
  if (/\\CurrentVersion\\CDJ\\AAD\b/i.test(text) && /TenantId|TenantName/i.test(text)) return 'registry';
  if (/azureAD(Id|Name)\s*:/i.test(text)) return 'ad-export';
  return undefined;
}

/** LDIF unfolding (a line starting with one space continues the previous) and base64 values. */
function unfoldLdif(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const prev = out[out.length - 1];
    if (raw.startsWith(' ') && prev && /^[A-Za-z][\w;-]*::?/.test(prev.text)) prev.text += raw.slice(1);
    else out.push({ line: i + 1, text: raw });
  });
  for (const l of out) {
    const m = /^keywords::\s*([A-Za-z0-9+/=]+)\s*$/i.exec(l.text);
    if (m) {
      try {
        const bytes = Uint8Array.from(atob(m[1]!), (c) => c.charCodeAt(0));
        l.text = `keywords: ${new TextDecoder().decode(bytes)}`;
      } catch {
        // left as is; reported below as unusable if it was meant to be a keyword
      }
    }
  }
  return out;
}

/** Reads azureADId/azureADName from an ldifde export, Get-ADObject output, or a plain list. */
export function readAdExport(
  name: string,
  text: string,
): { values: string[]; evidence: Evidence[]; truncated: boolean } {
  const values: string[] = [];
  const evidence: Evidence[] = [];
  let truncated = false;
  for (const { line, text: l } of unfoldLdif(text)) {
    const re = /azureAD(?:Id|Name)\s*:\s*[^\s,;{}]*/gi;
    let found = false;
    for (let m = re.exec(l); m; m = re.exec(l)) {
      values.push(m[0]);
      found = true;
      // Format-Table and narrow consoles cut long values with an ellipsis.
      if (/(\.\.\.|\u2026)$/.test(m[0]) || /^\s*(\.\.\.|\u2026)/.test(l.slice(m.index + m[0].length))) {
        truncated = true;
      }
    }
    if (found) evidence.push({ source: name, line, text: l.trim() });
  }
  return { values, evidence, truncated };
}

/** Reads TenantId / TenantName under the CDJ\AAD key from `reg export` or `reg query` output. */
export function readRegistryExport(
  name: string,
  text: string,
): { tenantId?: string; tenantName?: string; evidence: Evidence[]; keyFound: boolean } {
  const evidence: Evidence[] = [];
  let inKey = false;
  let keyFound = false;
  let tenantId: string | undefined;
  let tenantName: string | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const l = raw.trim();
    const section = /^\[(.*)\]$/.exec(l) ?? (/^HKEY_[A-Z_]+\\/i.test(l) ? [l, l] : null);
    if (section) {
      const key = section[1]!.replace(/^HKLM\\/i, 'HKEY_LOCAL_MACHINE\\');
      inKey = key.toLowerCase() === CDJ_AAD_KEY.toLowerCase();
      if (inKey) keyFound = true;
      return;
    }
    if (!inKey) return;
    // reg export: "TenantId"="..."; reg query: TenantId    REG_SZ    ...
    const m =
      /^"(TenantId|TenantName)"\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(l) ??
      /^(TenantId|TenantName)\s+REG_SZ\s+(.*)$/i.exec(l);
    if (!m) return;
    const value = m[2]!.replace(/\\(.)/g, '$1').trim();
    if (m[1]!.toLowerCase() === 'tenantid') tenantId = value;
    else tenantName = value;
    evidence.push({ source: name, line: i + 1, text: l });
  });
  return {
    ...(tenantId !== undefined && { tenantId }),
    ...(tenantName !== undefined && { tenantName }),
    evidence,
    keyFound,
  };
}

/** Findings and facts for one offline file. */
export function checkScpFile(name: string, text: string): CheckResult<ScpFacts> {
  return resultOf('probe-scp-file', readScpFile(name, text));
}

function readScpFile(name: string, text: string): CheckResult<ScpFacts> {
  const kind = sniffScpFile(text);
  if (!kind) {
    return {
      findings: [
        {
          id: 'probe-scp-file-unrecognised',
          severity: 'warning',
          phase: 'discover',
          title: `${name} holds no SCP: neither azureADId/azureADName keywords nor the CDJ\\AAD registry key`,
          codes: [],
          evidence: [{ source: name, text: text.slice(0, 80).replace(/\s+/g, ' ') || '(empty file)' }],
          fix: [
            'Export the AD object with ldifde -d "CN=62a0ff2e-97b9-4513-943f-0d221bd30080,CN=Device Registration Configuration,CN=Services,CN=Configuration,DC=..." -f scp.ldf, or the key with reg export "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\CDJ\\AAD" cdj.reg.',
          ],
          docs: [DOCS.scp],
        },
      ],
    };
  }
  if (kind === 'registry') {
    const reg = readRegistryExport(name, text);
    if (!reg.keyFound || (reg.tenantId === undefined && reg.tenantName === undefined)) {
      return {
        findings: [
          {
            id: 'probe-scp-registry-absent',
            severity: 'info',
            phase: 'discover',
            title: `${name}: no client-side SCP values under CDJ\\AAD (the device uses the SCP in AD)`,
            codes: [],
            evidence: [
              { source: name, text: reg.keyFound ? 'key present, no TenantId/TenantName' : 'key absent' },
            ],
          },
        ],
      };
    }
    const kw = parseKeywords([
      ...(reg.tenantId !== undefined ? [`azureADId:${reg.tenantId}`] : []),
      ...(reg.tenantName !== undefined ? [`azureADName:${reg.tenantName}`] : []),
    ]);
    return {
      findings: keywordFindings(kw, reg.evidence, name, 'registry'),
      facts: {
        source: name,
        kind: 'registry',
        ...(kw.tenantId && { tenantId: kw.tenantId }),
        ...(kw.tenantName && { tenantName: kw.tenantName }),
        ...(reg.evidence[0]?.line !== undefined && { line: reg.evidence[0].line }),
      },
    };
  }
  const ad = readAdExport(name, text);
  const kw = parseKeywords(ad.values);
  const findings: Finding[] = [];
  if (ad.truncated) {
    findings.push({
      id: 'probe-scp-file-truncated',
      severity: 'warning',
      phase: 'discover',
      title: `${name}: the keywords are cut short (…) in this output`,
      codes: [codeRef(0x801c001d)],
      evidence: ad.evidence,
      fix: ['Export with Format-List or ldifde so that the values are complete.'],
      docs: [DOCS.scp],
    });
    return { findings };
  }
  findings.push(...keywordFindings(kw, ad.evidence, name));
  return {
    findings,
    facts: {
      source: name,
      kind: 'ad',
      ...(kw.tenantId && { tenantId: kw.tenantId }),
      ...(kw.tenantName && { tenantName: kw.tenantName }),
      ...(ad.evidence[0]?.line !== undefined && { line: ad.evidence[0].line }),
    },
  };
}
