// Cross-checks: does the SCP name a domain that Entra ID knows, and the tenant that owns it? Do the
// registry SCP, the AD SCP, the discovery answer, the tenant metadata and a capture's tenant agree?
// Pure: works on the facts the other probes gathered.
import { DOCS } from '../kb/docs.js';
import type { Evidence, Finding } from '../types.js';
import { fromCheck } from './checks.js';
import { codeRef } from './network-findings.js';
import type { DiscoveryFacts, RealmFacts, ScpFacts, TenantFacts } from './types.js';

export const PROBE = 'probe:scp-check';

export interface CrossCheckInput {
  scps: ScpFacts[];
  /** Realm discovery answers, by the domain they were asked about (lower case). */
  realms: RealmFacts[];
  /** Tenant metadata answers (query: the domain or tenant asked about). */
  tenants: TenantFacts[];
  discovery?: DiscoveryFacts;
  /** A tenant ID that must match: from --tenant or from a capture. */
  expectedTenantId?: string;
  expectedFrom?: string;
}

const ev = (text: string): Evidence => ({ source: PROBE, text });

function domainOf(q: string): string {
  return (q.includes('@') ? q.slice(q.lastIndexOf('@') + 1) : q).toLowerCase();
}

export function crossCheck(input: CrossCheckInput): Finding[] {
  return fromCheck('probe-scp-check', crossFindings(input));
}

/** Each check in turn; discovery's and the last look at what the checks before them found. */
function crossFindings(input: CrossCheckInput): Finding[] {
  const findings: Finding[] = input.scps.flatMap((scp) => scpFindings(scp, input));
  findings.push(...overrideFindings(input));
  findings.push(...discoveryFindings(input, findings));
  findings.push(...expectedTenantFindings(input));
  findings.push(...consistentFindings(input, findings));
  return findings;
}

/** The SCP a device uses: the client-side one (registry) wins over the one in AD. */
function effectiveScp(input: CrossCheckInput): ScpFacts | undefined {
  return input.scps.find((s) => s.kind === 'registry') ?? input.scps.find((s) => s.kind === 'ad');
}

function tenantFor(input: CrossCheckInput, domain: string): TenantFacts | undefined {
  return input.tenants.find((t) => t.query.toLowerCase() === domain.toLowerCase() && t.tenantId);
}

/** One SCP against realm discovery and the tenant metadata: a verified domain, of its own tenant, that exists. */
function scpFindings(scp: ScpFacts, input: CrossCheckInput): Finding[] {
  const findings: Finding[] = [];
  const where = scp.kind === 'registry' ? `client-side SCP (${scp.source})` : `SCP (${scp.source})`;
  if (scp.tenantName) {
    const realm = input.realms.find(
      (r) => domainOf(r.query) === scp.tenantName || r.domainName?.toLowerCase() === scp.tenantName,
    );
    if (realm && realm.accountType.toLowerCase() === 'unknown') {
      findings.push({
        id: 'probe-scp-domain-not-verified',
        severity: 'error',
        phase: 'discover',
        title: `The ${where} names ${scp.tenantName}, which no Entra tenant has verified`,
        codes: [codeRef(0x801c001d)],
        evidence: [
          ev(`${where}: azureADName ${scp.tenantName}`),
          ev(`realm discovery: account_type Unknown`),
        ],
        cause: 'The SCP must name a verified domain of the tenant the devices join.',
        fix: [
          'Set azureADName in the SCP to a verified domain of the tenant (Entra Connect does it when it configures the SCP).',
        ],
        docs: [DOCS.scp, DOCS.discover],
      });
    }
    const owner = tenantFor(input, scp.tenantName);
    if (owner?.tenantId && scp.tenantId && owner.tenantId !== scp.tenantId) {
      findings.push({
        id: 'probe-scp-wrong-tenant',
        severity: 'error',
        phase: 'discover',
        title: `The ${where} names tenant ${scp.tenantId}, but ${scp.tenantName} belongs to tenant ${owner.tenantId}`,
        codes: [codeRef(0x801c003a)],
        evidence: [
          ev(`${where}: azureADId ${scp.tenantId}, azureADName ${scp.tenantName}`),
          ev(`tenant metadata for ${scp.tenantName}: tenant ${owner.tenantId}`),
        ],
        cause:
          'The SCP points the devices at a tenant that does not own the domain; discovery fails with tenant not found.',
        fix: [
          'Correct azureADId in the SCP (or TenantId in the client-side SCP) to the tenant that owns the domain.',
        ],
        docs: [DOCS.scp, DOCS.discover],
      });
    }
  }
  const missingTenant = scp.tenantId && input.tenants.find((t) => t.query === scp.tenantId && t.notFound);
  if (missingTenant) {
    findings.push({
      id: 'probe-scp-tenant-unknown',
      severity: 'error',
      phase: 'discover',
      title: `The ${where} names tenant ${scp.tenantId}, which does not exist`,
      codes: [codeRef(0x801c003a)],
      evidence: [
        ev(`${where}: azureADId ${scp.tenantId}`),
        ev(`tenant metadata for ${scp.tenantId}: not found`),
      ],
      fix: ['Correct the tenant ID in the SCP.'],
      docs: [DOCS.scp, DOCS.discover],
    });
  }
  return findings;
}

/** A client-side SCP that names another tenant than the SCP in AD overrides it. */
function overrideFindings(input: CrossCheckInput): Finding[] {
  const ad = input.scps.find((s) => s.kind === 'ad');
  const reg = input.scps.find((s) => s.kind === 'registry');
  if (ad && reg && (ad.tenantId !== reg.tenantId || ad.tenantName !== reg.tenantName)) {
    return [
      {
        id: 'probe-scp-registry-overrides',
        severity: 'warning',
        phase: 'discover',
        title: `The client-side SCP (${reg.tenantId ?? '?'}, ${reg.tenantName ?? '?'}) overrides a different SCP in AD (${ad.tenantId ?? '?'}, ${ad.tenantName ?? '?'})`,
        codes: [],
        evidence: [ev(`registry: ${reg.source}`), ev(`AD: ${ad.source}`)],
        cause:
          'When HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\CDJ\\AAD holds TenantId and TenantName, Windows uses them instead of the SCP in AD (targeted deployment).',
        fix: ['Remove the registry values once the rollout is done, or make both name the same tenant.'],
        docs: [DOCS.scp],
      },
    ];
  }
  return [];
}

/** Discovery names another tenant than the SCP (unless the SCP's tenant is already known wrong). */
function discoveryFindings(input: CrossCheckInput, findings: Finding[]): Finding[] {
  const effective = effectiveScp(input);
  if (
    effective?.tenantId &&
    input.discovery?.tenantId &&
    effective.tenantId !== input.discovery.tenantId.toLowerCase() &&
    !findings.some((f) => f.id === 'probe-scp-wrong-tenant')
  ) {
    return [
      {
        id: 'probe-drs-tenant-mismatch',
        severity: 'error',
        phase: 'discover',
        title: `Discovery for ${input.discovery.domain} returns tenant ${input.discovery.tenantId}, not the SCP's ${effective.tenantId}`,
        codes: [codeRef(0x801c003a)],
        evidence: [
          ev(`SCP (${effective.source}): ${effective.tenantId}`),
          ev(`discovery: ${input.discovery.tenantId}`),
        ],
        fix: ['Make the SCP name the tenant that owns its domain.'],
        docs: [DOCS.scp, DOCS.discover],
      },
    ];
  }
  return [];
}

/** The tenant the device or --tenant names, against every tenant the checks saw. */
function expectedTenantFindings(input: CrossCheckInput): Finding[] {
  if (!input.expectedTenantId) return [];
  const expected = input.expectedTenantId.toLowerCase();
  const seen: { what: string; id: string }[] = [];
  for (const t of input.tenants)
    if (t.tenantId) seen.push({ what: `tenant metadata for ${t.query}`, id: t.tenantId });
  if (input.discovery?.tenantId)
    seen.push({ what: `discovery for ${input.discovery.domain}`, id: input.discovery.tenantId });
  for (const s of input.scps) if (s.tenantId) seen.push({ what: `SCP (${s.source})`, id: s.tenantId });
  const differing = seen.filter((s) => s.id.toLowerCase() !== expected);
  if (differing.length > 0) {
    return [
      {
        id: 'probe-tenant-mismatch',
        severity: 'error',
        phase: 'discover',
        title: `The tenant ${expected}${input.expectedFrom ? ` (from ${input.expectedFrom})` : ''} differs from ${differing.map((d) => d.what).join(', ')}`,
        codes: [],
        evidence: [
          ev(`expected ${expected}${input.expectedFrom ? ` from ${input.expectedFrom}` : ''}`),
          ...differing.map((d) => ev(`${d.what}: ${d.id}`)),
        ],
        cause: 'The device, the SCP and the tenant that owns the domain must all be the same tenant.',
        fix: ['Find which of them is wrong (usually the SCP) and correct it.'],
        docs: [DOCS.scp, DOCS.discover],
      },
    ];
  }
  if (seen.length > 0) {
    return [
      {
        id: 'probe-tenant-match',
        severity: 'info',
        phase: 'discover',
        title: `The tenant ${expected}${input.expectedFrom ? ` (from ${input.expectedFrom})` : ''} matches ${seen.map((s) => s.what).join(', ')}`,
        codes: [],
        evidence: seen.map((s) => ev(`${s.what}: ${s.id}`)),
      },
    ];
  }
  return [];
}

/** Nothing wrong, and the SCP's domain belongs to the SCP's tenant: say so. */
function consistentFindings(input: CrossCheckInput, findings: Finding[]): Finding[] {
  const effective = effectiveScp(input);
  if (
    effective?.tenantId &&
    effective.tenantName &&
    !findings.some((f) => f.severity !== 'info') &&
    tenantFor(input, effective.tenantName)?.tenantId === effective.tenantId
  ) {
    return [
      {
        id: 'probe-scp-consistent',
        severity: 'info',
        phase: 'discover',
        title: `The SCP agrees with Entra ID: ${effective.tenantName} belongs to tenant ${effective.tenantId}`,
        codes: [],
        evidence: [ev(`SCP (${effective.source}) and tenant metadata for ${effective.tenantName}`)],
      },
    ];
  }
  return [];
}
