// Runs the probes a request calls for, concurrently where they do not depend on each other, each
// under the per-check timeout, and returns their findings most severe first. Also decides which
// probes a capture calls for (probeForDiagnosis), for `diagnose --probe`.
import { type Finding, PHASES, type Phase, SEVERITIES } from '../types.js';
import { checkClock } from './clock.js';
import { createContext } from './context.js';
import { checkDiscovery } from './discovery.js';
import { checkEndpoints, type EndpointKey } from './endpoints.js';
import { checkMex } from './mex.js';
import { checkRealm } from './realm.js';
import { crossCheck } from './scp-check.js';
import { checkScpLdap, type LdapTarget } from './scp-ldap.js';
import { checkScpFile } from './scp-offline.js';
import { checkTenant, isGuid } from './tenant.js';
import type { DiscoveryFacts, ProbeOptions, RealmFacts, ScpFacts, TenantFacts } from './types.js';

export type CheckName = 'discovery' | 'realm' | 'mex' | 'tenant';

export interface ProbeRequest {
  upn?: string;
  domain?: string;
  /** A tenant ID (GUID) or a domain of the tenant. */
  tenant?: string;
  ldap?: LdapTarget;
  /** Offline SCP sources: ldifde / Get-ADObject output, reg export of CDJ\AAD. */
  scpFiles?: { name: string; text: string }[];
  /** The endpoint hosts to check (all four when absent). */
  endpoints?: EndpointKey[];
  /** The service checks to run (all that the inputs allow when absent). */
  checks?: CheckName[];
  /** Where a tenant to match came from, when not --tenant (a capture's file name). */
  tenantFrom?: string;
}

export function upnDomain(upn: string | undefined): string | undefined {
  if (!upn) return undefined;
  const at = upn.lastIndexOf('@');
  return at > 0 && at < upn.length - 1 ? upn.slice(at + 1).toLowerCase() : undefined;
}

function isDomainName(s: string | undefined): s is string {
  return !!s && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(s.trim());
}

export async function runProbes(req: ProbeRequest, options: ProbeOptions): Promise<Finding[]> {
  const ctx = createContext(options);
  const want = (c: CheckName) => !req.checks || req.checks.includes(c);
  const findings: Finding[] = [];

  const endpointRun = checkEndpoints(ctx, req.endpoints);

  // SCP sources first: what they name decides which domain discovery asks about, as on a device.
  const scps: ScpFacts[] = [];
  for (const f of req.scpFiles ?? []) {
    const r = checkScpFile(f.name, f.text);
    findings.push(...r.findings);
    if (r.facts) scps.push(r.facts);
  }
  if (req.ldap) {
    const r = await checkScpLdap(req.ldap, options.timeoutMs);
    findings.push(...r.findings);
    if (r.facts) scps.push(r.facts);
  }
  const effectiveScp = scps.find((s) => s.kind === 'registry') ?? scps.find((s) => s.kind === 'ad');

  const tenantGuid = req.tenant && isGuid(req.tenant) ? req.tenant.toLowerCase() : undefined;
  const domain =
    (isDomainName(req.domain) ? req.domain.toLowerCase() : undefined) ??
    upnDomain(req.upn) ??
    effectiveScp?.tenantName ??
    (isDomainName(req.tenant) ? req.tenant.toLowerCase() : undefined);
  const discoveryDomain = effectiveScp?.tenantName ?? domain ?? tenantGuid;

  const realmQueries = new Set<string>();
  if (want('realm')) {
    if (req.upn) realmQueries.add(req.upn);
    else if (domain) realmQueries.add(domain);
    for (const s of scps)
      if (s.tenantName && s.tenantName !== upnDomain(req.upn)) realmQueries.add(s.tenantName);
  }
  const tenantQueries = new Set<string>();
  if (want('tenant')) {
    if (domain) tenantQueries.add(domain);
    for (const s of scps) if (s.tenantName) tenantQueries.add(s.tenantName);
    if (tenantGuid && !domain) tenantQueries.add(tenantGuid);
    for (const s of scps) if (s.tenantId && !s.tenantName) tenantQueries.add(s.tenantId);
    if (tenantQueries.size === 0 && req.tenant) tenantQueries.add(req.tenant);
  }

  const discoveryRun =
    want('discovery') && discoveryDomain ? checkDiscovery(ctx, discoveryDomain) : Promise.resolve(undefined);
  const realmRuns = [...realmQueries].map(async (q) => {
    const r = await checkRealm(ctx, q);
    const out = [...r.findings];
    if (want('mex') && r.facts?.accountType.toLowerCase() === 'federated' && r.facts.metadataUrl) {
      if (/^ws-?trust$/i.test(r.facts.federationProtocol ?? 'WSTrust')) {
        out.push(...(await checkMex(ctx, r.facts.metadataUrl)).findings);
      }
    }
    return { findings: out, facts: r.facts };
  });
  const tenantRuns = [...tenantQueries].map((q) => checkTenant(ctx, q));

  const [discovery, realmResults, tenantResults, endpointFindings] = await Promise.all([
    discoveryRun,
    Promise.all(realmRuns),
    Promise.all(tenantRuns),
    endpointRun,
  ]);

  const all: Finding[] = [...endpointFindings, ...findings];
  if (discovery) all.push(...discovery.findings);
  // One MEX per federation service, even when two realm queries led to it.
  const seenMex = new Set<string>();
  for (const r of realmResults) {
    for (const f of r.findings) {
      if (f.evidence[0]?.source === 'probe:mex') {
        const key = `${f.id} ${f.evidence[0]?.text}`;
        if (seenMex.has(key)) continue;
        seenMex.add(key);
      }
      all.push(f);
    }
  }
  for (const t of tenantResults) all.push(...t.findings);

  const realms = realmResults.map((r) => r.facts).filter((r): r is RealmFacts => !!r);
  const tenants = tenantResults.map((t) => t.facts).filter((t): t is TenantFacts => !!t);
  all.push(
    ...crossCheck({
      scps,
      realms,
      tenants,
      ...(discovery?.facts && { discovery: discovery.facts as DiscoveryFacts }),
      ...(tenantGuid && { expectedTenantId: tenantGuid, expectedFrom: req.tenantFrom ?? '--tenant' }),
    }),
  );
  all.push(...checkClock(ctx.dates));
  return sortFindings(mergeTransportFailures(all));
}

const TRANSPORT = /-(dns-failed|connect-failed|timeout|proxy-refused|tls-failed|connection-aborted)$/;

/**
 * Several checks against one host fail the same way when the host cannot be reached; say it once,
 * with every code and every request as evidence.
 */
export function mergeTransportFailures(findings: Finding[]): Finding[] {
  const out: Finding[] = [];
  const byKey = new Map<string, Finding>();
  for (const f of findings) {
    const kind =
      TRANSPORT.exec(f.id)?.[1] ??
      (f.id === 'probe-proxy-auth-required' || f.id === 'probe-tls-inspection' ? f.id : undefined);
    const host = /(?:GET https:\/\/|certificate for )([^/\s:]+(?::\d+)?)/.exec(
      f.evidence[0]?.text ?? '',
    )?.[1];
    if (!kind || !host) {
      out.push(f);
      continue;
    }
    const key = `${kind} ${host}`;
    const first = byKey.get(key);
    if (!first) {
      const copy = { ...f, codes: [...f.codes], evidence: [...f.evidence] };
      byKey.set(key, copy);
      out.push(copy);
      continue;
    }
    for (const c of f.codes) if (!first.codes.some((x) => x.hex === c.hex)) first.codes.push(c);
    first.evidence.push(
      ...f.evidence.filter((e) => !first.evidence.some((x) => x.text === e.text && x.source === e.source)),
    );
    if (phaseRank(f.phase) < phaseRank(first.phase)) first.phase = f.phase ?? null;
  }
  // The guide's own phase codes (0x801c....) lead; sub-codes follow.
  for (const f of byKey.values()) {
    f.codes.sort((a, b) => Number(!a.hex.startsWith('0x801c')) - Number(!b.hex.startsWith('0x801c')));
  }
  return out;
}

function phaseRank(p: Phase | null | undefined): number {
  return p ? PHASES.indexOf(p) : PHASES.length;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        SEVERITIES.indexOf(a.f.severity) - SEVERITIES.indexOf(b.f.severity) ||
        phaseRank(a.f.phase) - phaseRank(b.f.phase) ||
        a.i - b.i,
    )
    .map((x) => x.f);
}

export interface DiagnosisFacts {
  /** The AD domain or any domain the capture names (a NetBIOS name without dots is ignored). */
  domain?: string;
  /** From `User Identity` / `Executing Account Name`. */
  upn?: string;
  tenantId?: string;
  /** The failing phase, null or absent when nothing failed or it cannot be told. */
  phase?: Phase | null;
}

/** Which probes a failing phase calls for. */
export function planForPhase(phase: Phase | null | undefined): {
  endpoints: EndpointKey[];
  checks: CheckName[];
} {
  switch (phase) {
    case 'precheck':
      // Line of sight to a domain controller: nothing on the internet side tells about it.
      return { endpoints: [], checks: [] };
    case 'discover':
      return { endpoints: ['registration', 'login'], checks: ['discovery', 'realm', 'tenant'] };
    case 'auth':
      return { endpoints: ['login'], checks: ['realm', 'mex', 'tenant'] };
    case 'join':
      return { endpoints: ['registration'], checks: ['discovery', 'tenant'] };
    case 'post-join':
      return { endpoints: ['login', 'deviceLogin', 'autologon'], checks: ['realm', 'mex', 'tenant'] };
    default:
      return {
        endpoints: ['registration', 'login', 'deviceLogin', 'autologon'],
        checks: ['discovery', 'realm', 'mex', 'tenant'],
      };
  }
}

/**
 * For `diagnose --probe`: runs the probes that a capture's facts and failing phase call for and
 * returns their findings, ready to merge into the capture's diagnosis.
 */
export async function probeForDiagnosis(
  input: DiagnosisFacts,
  options: ProbeOptions & { source?: string },
): Promise<Finding[]> {
  const plan = planForPhase(input.phase);
  if (plan.endpoints.length === 0 && plan.checks.length === 0) return [];
  const upn = input.upn && upnDomain(input.upn) ? input.upn : undefined;
  const request: ProbeRequest = {
    endpoints: plan.endpoints,
    checks: plan.checks,
    ...(upn && { upn }),
    ...(isDomainName(input.domain) && { domain: input.domain }),
    ...(input.tenantId && isGuid(input.tenantId) && { tenant: input.tenantId }),
    ...(options.source && { tenantFrom: options.source }),
  };
  return runProbes(request, options);
}
