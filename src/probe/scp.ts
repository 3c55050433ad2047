// The service connection point: where it lives in Active Directory, and how its `keywords` name the
// tenant (azureADId:<tenant GUID>) and the verified domain (azureADName:<domain>). Pure.
import { DOCS } from '../kb/docs.js';
import type { Evidence, Finding } from '../types.js';
import { codeRef } from './network-findings.js';

export const SCP_RDN = 'CN=62a0ff2e-97b9-4513-943f-0d221bd30080';
export const SCP_PARENT = 'CN=Device Registration Configuration,CN=Services';

/** The SCP's DN in a forest, given the configuration naming context (CN=Configuration,DC=...). */
export function scpDn(configurationNamingContext: string): string {
  return `${SCP_RDN},${SCP_PARENT},${configurationNamingContext}`;
}

export interface Keywords {
  tenantId?: string;
  tenantName?: string;
  /** Values that look like an attempt at one of the two but are not usable. */
  malformed: string[];
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i;

/** Reads the keywords values (one string each, as LDAP returns them). */
export function parseKeywords(values: string[]): Keywords {
  const out: Keywords = { malformed: [] };
  for (const raw of values) {
    const v = raw.trim();
    const m = /^azureAD(Id|Name)\s*:\s*(.*)$/i.exec(v);
    if (!m) continue;
    const value = m[2]!.trim();
    if (m[1]!.toLowerCase() === 'id') {
      if (GUID_RE.test(value)) out.tenantId = value.toLowerCase();
      else out.malformed.push(v);
    } else if (DOMAIN_RE.test(value)) out.tenantName = value.toLowerCase();
    else out.malformed.push(v);
  }
  return out;
}

/** Findings for the keywords of one SCP (AD or client-side registry), where problems show. */
export function keywordFindings(
  kw: Keywords,
  evidence: Evidence[],
  where: string,
  kind: 'ad' | 'registry' = 'ad',
): Finding[] {
  const findings: Finding[] = [];
  const what = kind === 'ad' ? 'The SCP' : 'The client-side SCP (registry)';
  const idName = kind === 'ad' ? 'azureADId' : 'TenantId';
  const nameName = kind === 'ad' ? 'azureADName' : 'TenantName';
  const missing = [!kw.tenantId && idName, !kw.tenantName && nameName].filter(Boolean) as string[];
  if (kw.malformed.length > 0 || missing.length > 0) {
    findings.push({
      id: 'probe-scp-malformed',
      severity: 'error',
      phase: 'discover',
      title: `${what} in ${where} ${
        missing.length > 0 ? `lacks ${missing.join(' and ')}` : 'has unusable values'
      }${kw.malformed.length > 0 ? ` (${kw.malformed.join('; ')})` : ''}`,
      codes: [codeRef(0x801c001d)],
      evidence,
      cause: `Windows reads the tenant from the SCP; it needs ${idName} as a tenant GUID and ${nameName} as a verified domain.`,
      fix: [
        kind === 'ad'
          ? 'Configure the SCP again with Microsoft Entra Connect (Device options), or set keywords to azureADName:<verified domain> and azureADId:<tenant ID>.'
          : 'Set TenantId (tenant GUID) and TenantName (verified domain) under HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\CDJ\\AAD, or remove the key to use the SCP in AD.',
      ],
      docs: [DOCS.scp, DOCS.discover],
    });
    return findings;
  }
  findings.push({
    id: kind === 'ad' ? 'probe-scp-found' : 'probe-scp-registry-found',
    severity: 'info',
    phase: 'discover',
    title: `${what} in ${where} names tenant ${kw.tenantId} and domain ${kw.tenantName}`,
    codes: [],
    evidence,
  });
  return findings;
}
