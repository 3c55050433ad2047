// Tenant metadata: GET <login>/<domain or tenant>/.well-known/openid-configuration. The issuer and
// token endpoint carry the tenant ID that owns the domain, which the SCP and captures must match.
import { DOCS } from '../kb/docs.js';
import type { Finding } from '../types.js';
import { resultOf } from './checks.js';
import { hostOf, type ProbeContext } from './context.js';
import { codeRef, type Target, transportFindings } from './network-findings.js';
import type { CheckResult, TenantFacts } from './types.js';

export const PROBE = 'probe:tenant-metadata';

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export function isGuid(s: string): boolean {
  return new RegExp(`^${GUID.source}$`, 'i').test(s.trim());
}

interface OpenIdConfiguration {
  issuer?: string;
  token_endpoint?: string;
  authorization_endpoint?: string;
  tenant_region_scope?: string;
  cloud_instance_name?: string;
  error?: string;
  error_description?: string;
  error_codes?: number[];
}

export async function checkTenant(ctx: ProbeContext, query: string): Promise<CheckResult<TenantFacts>> {
  return resultOf('probe-tenant-metadata', await askTenant(ctx, query));
}

async function askTenant(ctx: ProbeContext, query: string): Promise<CheckResult<TenantFacts>> {
  const base = ctx.endpoints.login.replace(/\/+$/, '');
  const url = `${base}/${encodeURIComponent(query)}/.well-known/openid-configuration`;
  const t: Target = {
    probe: PROBE,
    label: `tenant metadata (${hostOf(base)})`,
    phase: 'discover',
    family: 'wininet',
    id: 'probe-tenant',
    docs: [DOCS.discover],
  };
  const res = await ctx.get(url, { Accept: 'application/json' });
  const transport = transportFindings(t, res, 'JSON');
  if (!res.ok || transport.some((f) => f.severity === 'error' && f.id !== 'probe-tls-inspection')) {
    return { findings: transport };
  }
  const findings: Finding[] = [...transport];
  const head = `GET ${url}: HTTP ${res.status} in ${res.ms} ms`;
  let doc: OpenIdConfiguration | undefined;
  try {
    const parsed: unknown = JSON.parse(res.body);
    if (parsed && typeof parsed === 'object') doc = parsed as OpenIdConfiguration;
  } catch {
    doc = undefined;
  }
  if (doc?.error || (res.status >= 400 && res.status < 500)) {
    const description = doc?.error_description?.split(/\r?\n/)[0] ?? '';
    const notFound = /AADSTS90002|AADSTS90013|not found|invalid_tenant/i.test(
      `${doc?.error ?? ''} ${description} ${(doc?.error_codes ?? []).join(' ')}`,
    );
    findings.push({
      id: notFound ? 'probe-tenant-not-found' : 'probe-tenant-bad-answer',
      severity: 'error',
      phase: 'discover',
      title: notFound
        ? `No Microsoft Entra tenant answers for ${query}`
        : `Tenant metadata for ${query} failed with HTTP ${res.status}`,
      codes: notFound ? [codeRef(0x801c003a)] : [],
      ...(doc?.error && {
        serverErrorCode: doc.error_codes?.[0] ? `AADSTS${doc.error_codes[0]}` : doc.error,
      }),
      evidence: [{ source: PROBE, text: `${head}${description ? `: ${description}` : ''}` }],
      cause: notFound
        ? 'The name is neither a verified domain nor the ID of a tenant: a typo, an unverified domain, or the wrong tenant ID.'
        : 'The sign-in service refused the metadata request.',
      fix: ['Check the tenant ID and the verified domains in the Entra admin center.'],
      docs: [DOCS.discover, DOCS.scp],
    });
    return { findings, facts: { query, notFound } };
  }
  const tenantId =
    GUID.exec(doc?.issuer ?? '')?.[0]?.toLowerCase() ??
    GUID.exec(doc?.token_endpoint ?? '')?.[0]?.toLowerCase();
  if (res.status !== 200 || !doc || !tenantId) {
    findings.push({
      id: 'probe-tenant-bad-answer',
      severity: 'error',
      phase: 'discover',
      title: 'The tenant metadata answer carries no tenant ID',
      codes: res.status === 200 ? [codeRef(0x8007000d)] : [],
      evidence: [{ source: PROBE, text: `${head}; ${res.body.slice(0, 160).replace(/\s+/g, ' ')}` }],
      cause: 'The answer is not OpenID Connect metadata; a proxy in the path may have replaced it.',
      fix: ['Look at what the proxy returns for this host, and exempt the sign-in service from it.'],
      docs: [DOCS.discover],
    });
    return { findings, facts: { query } };
  }
  findings.push({
    id: 'probe-tenant-found',
    severity: 'info',
    phase: 'discover',
    title: `${query} belongs to tenant ${tenantId}`,
    codes: [],
    evidence: [
      {
        source: PROBE,
        text: `${head}: issuer ${doc.issuer ?? '?'}${doc.tenant_region_scope ? `, region ${doc.tenant_region_scope}` : ''}`,
      },
    ],
  });
  return { findings, facts: { query, tenantId } };
}
