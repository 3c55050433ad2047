// Device registration service discovery, as Windows does it before a join: GET
// <registration>/<domain>/discover?api-version=1.7 with the headers dsreg sends. A good answer names
// the tenant and the service endpoints; a bad one maps to the guide's discover-phase codes.
import { DOCS } from '../kb/docs.js';
import type { Finding } from '../types.js';
import { resultOf } from './checks.js';
import { hostOf, type ProbeContext } from './context.js';
import { codeRef, type Target, transportFindings } from './network-findings.js';
import type { CheckResult, DiscoveryFacts } from './types.js';

export const PROBE = 'probe:drs-discovery';

/** The headers Windows' dsreg sends to the discovery endpoint. */
export const DSREG_HEADERS: Record<string, string> = {
  Accept: 'application/json',
  'User-Agent': 'Dsreg/10.0 (Windows 10.0.19045.0)',
  'ocp-adrs-client-name': 'Dsreg',
  'ocp-adrs-client-version': '10.0.19045.0',
};

interface DiscoveryDoc {
  DeviceRegistrationService?: { RegistrationEndpoint?: string; RegistrationResourceId?: string };
  DeviceJoinService?: { JoinEndpoint?: string };
  AuthenticationService?: { OAuth2?: { TokenEndpoint?: string } };
  IdentityProviderService?: { Federated?: boolean };
  TenantInfo?: { TenantId?: string; TenantName?: string; DisplayName?: string };
  ErrorType?: string;
  Message?: string;
}

export async function checkDiscovery(
  ctx: ProbeContext,
  domain: string,
): Promise<CheckResult<DiscoveryFacts>> {
  return resultOf('probe-drs-discovery', await discover(ctx, domain));
}

async function discover(ctx: ProbeContext, domain: string): Promise<CheckResult<DiscoveryFacts>> {
  const base = ctx.endpoints.registration.replace(/\/+$/, '');
  const url = `${base}/${encodeURIComponent(domain)}/discover?api-version=1.7`;
  const t: Target = {
    probe: PROBE,
    label: `registration service discovery (${hostOf(base)})`,
    phase: 'discover',
    family: 'wininet',
    id: 'probe-drs',
    docs: [DOCS.discover],
  };
  const res = await ctx.get(url, DSREG_HEADERS);
  const transport = transportFindings(t, res, 'JSON');
  if (!res.ok) return { findings: wrapDiscFailed(transport) };
  if (transport.some((f) => f.severity === 'error' && f.id !== 'probe-tls-inspection')) {
    return { findings: wrapDiscFailed(transport) };
  }
  const findings: Finding[] = [...transport];
  const ev = (text: string) => ({ source: PROBE, text });
  let doc: DiscoveryDoc | undefined;
  try {
    const parsed: unknown = JSON.parse(res.body);
    if (parsed && typeof parsed === 'object') doc = parsed as DiscoveryDoc;
  } catch {
    doc = undefined;
  }
  const head = `GET ${url}: HTTP ${res.status} in ${res.ms} ms`;

  if (res.status === 503) {
    findings.push({
      id: 'probe-drs-server-busy',
      severity: 'warning',
      phase: 'discover',
      title: 'The registration service answered 503 (busy or down for now)',
      codes: [codeRef(0x801c0021), codeRef(0x801c0025)],
      evidence: [ev(head)],
      cause: 'The service is unavailable at the moment; joins retry on their own.',
      fix: ['Try again later; the scheduled join task retries every hour.'],
      docs: [DOCS.discover],
    });
    return { findings };
  }
  const message = doc?.Message ?? '';
  if (
    res.status === 404 ||
    /tenant/i.test(`${doc?.ErrorType ?? ''}`) ||
    (res.status >= 400 && /tenant|not found|does not exist/i.test(message))
  ) {
    findings.push({
      id: 'probe-drs-tenant-not-found',
      severity: 'error',
      phase: 'discover',
      title: `Discovery for ${domain} found no tenant`,
      codes: [codeRef(0x801c0021), codeRef(0x801c003a)],
      ...(doc?.ErrorType && { serverErrorCode: doc.ErrorType }),
      evidence: [ev(`${head}${message ? `: ${message}` : ''}`)],
      cause:
        'The name is not a verified domain (or tenant ID) of any Microsoft Entra tenant with an active subscription: the SCP names the wrong tenant, or the domain was never verified.',
      fix: [
        'Make the SCP (or the client-side registry SCP) name a verified domain and the right tenant ID.',
        'Check in the Entra admin center that the domain is verified and the tenant has an active subscription.',
      ],
      docs: [DOCS.discover, DOCS.scp],
    });
    return { findings };
  }
  if (res.status !== 200 || !doc) {
    findings.push({
      id: 'probe-drs-bad-answer',
      severity: 'error',
      phase: 'discover',
      title:
        res.status === 200
          ? 'The discovery answer is not the JSON the registration service sends'
          : `Discovery failed with HTTP ${res.status}`,
      codes: res.status === 200 ? [codeRef(0x801c0021), codeRef(0x8007000d)] : [codeRef(0x801c0021)],
      evidence: [ev(`${head}; ${res.body.slice(0, 160).replace(/\s+/g, ' ')}`)],
      cause:
        res.status === 200
          ? 'Something in the path (a proxy or filter) replaced the answer; Windows fails to parse it.'
          : 'The service refused the request.',
      fix: ['Look at what the proxy returns for this host, and exempt the registration service from it.'],
      docs: [DOCS.discover],
    });
    return { findings };
  }
  const tenantId = doc.TenantInfo?.TenantId;
  const tenantName = doc.TenantInfo?.TenantName;
  const join = doc.DeviceJoinService?.JoinEndpoint ?? doc.DeviceRegistrationService?.RegistrationEndpoint;
  const missing = !join;
  findings.push({
    id: missing ? 'probe-drs-incomplete' : 'probe-drs-discovered',
    severity: missing ? 'warning' : 'info',
    phase: 'discover',
    title: missing
      ? `Discovery for ${domain} answered but names no join endpoint`
      : `Discovery for ${domain}: tenant ${tenantId ?? '(not given)'}${tenantName ? ` (${tenantName})` : ''}`,
    codes: [],
    evidence: [
      ev(
        `${head}; join endpoint ${join ?? 'none'}` +
          (doc.IdentityProviderService?.Federated !== undefined
            ? `, federated ${doc.IdentityProviderService.Federated}`
            : ''),
      ),
    ],
  });
  return {
    findings,
    facts: { domain, ...(tenantId && { tenantId }), ...(tenantName && { tenantName }) },
  };
}

/** A transport failure during discovery is also the guide's generic discovery failure. */
function wrapDiscFailed(findings: Finding[]): Finding[] {
  return findings.map((f) =>
    f.severity === 'error' ? { ...f, codes: [codeRef(0x801c0021), ...f.codes] } : f,
  );
}
