// Realm discovery (Windows 10 1809 and later do it during the discover phase): GET
// <login>/common/userrealm/?user=<upn or domain>&api-version=1.0. It says whether the domain is
// managed or federated and, when federated, which protocol and where the metadata (MEX) lives.
import { DOCS } from '../kb/docs.js';
import type { Evidence, Finding } from '../types.js';
import { resultOf } from './checks.js';
import { hostOf, type ProbeContext } from './context.js';
import { codeRef, type Target, transportFindings } from './network-findings.js';
import type { CheckResult, RealmFacts } from './types.js';

export const PROBE = 'probe:realm';

interface UserRealmV1 {
  ver?: string;
  account_type?: string;
  domain_name?: string;
  federation_protocol?: string;
  federation_metadata_url?: string;
  federation_active_auth_url?: string;
  cloud_instance_name?: string;
}

export async function checkRealm(ctx: ProbeContext, user: string): Promise<CheckResult<RealmFacts>> {
  return resultOf('probe-realm', await askRealm(ctx, user));
}

async function askRealm(ctx: ProbeContext, user: string): Promise<CheckResult<RealmFacts>> {
  const base = ctx.endpoints.login.replace(/\/+$/, '');
  const url = `${base}/common/userrealm/?user=${encodeURIComponent(user)}&api-version=1.0`;
  const t: Target = {
    probe: PROBE,
    label: `realm discovery (${hostOf(base)})`,
    phase: 'discover',
    family: 'wininet',
    id: 'probe-realm',
    docs: [DOCS.discover],
  };
  const res = await ctx.get(url, { Accept: 'application/json' });
  const transport = transportFindings(t, res, 'JSON');
  const realmFailed = (fs: Finding[]) =>
    fs.map((f) => (f.severity === 'error' ? { ...f, codes: [codeRef(0x801c003d), ...f.codes] } : f));
  if (!res.ok || transport.some((f) => f.severity === 'error' && f.id !== 'probe-tls-inspection')) {
    return { findings: realmFailed(transport) };
  }
  const findings = [...transport];
  const head = `GET ${url}: HTTP ${res.status} in ${res.ms} ms`;
  let doc: UserRealmV1 | undefined;
  try {
    const parsed: unknown = JSON.parse(res.body);
    if (parsed && typeof parsed === 'object') doc = parsed as UserRealmV1;
  } catch {
    doc = undefined;
  }
  if (res.status !== 200 || !doc || typeof doc.account_type !== 'string') {
    findings.push({
      id: 'probe-realm-bad-answer',
      severity: 'error',
      phase: 'discover',
      title:
        res.status === 200
          ? 'The realm discovery answer is not the JSON the sign-in service sends'
          : `Realm discovery failed with HTTP ${res.status}`,
      codes: [codeRef(0x801c003d), ...(res.status === 200 ? [codeRef(0x8007000d)] : [])],
      evidence: [{ source: PROBE, text: `${head}; ${res.body.slice(0, 160).replace(/\s+/g, ' ')}` }],
      cause: 'The answer could not be read as realm information; a proxy in the path is the usual cause.',
      fix: ['Look at what the proxy returns for this host, and exempt the sign-in service from it.'],
      docs: [DOCS.discover],
    });
    return { findings: realmFailed(findings) };
  }
  const facts: RealmFacts = {
    query: user,
    accountType: doc.account_type,
    ...(doc.domain_name && { domainName: doc.domain_name }),
    ...(doc.federation_protocol && { federationProtocol: doc.federation_protocol }),
    ...(doc.federation_metadata_url && { metadataUrl: doc.federation_metadata_url }),
    ...(doc.cloud_instance_name && { cloudInstance: doc.cloud_instance_name }),
  };
  const evidence: Evidence[] = [
    {
      source: PROBE,
      text:
        `${head}: account_type ${doc.account_type}` +
        (doc.domain_name ? `, domain_name ${doc.domain_name}` : '') +
        (doc.federation_protocol ? `, federation_protocol ${doc.federation_protocol}` : '') +
        (doc.federation_metadata_url ? `, federation_metadata_url ${doc.federation_metadata_url}` : ''),
    },
  ];
  findings.push(...realmFindings(user, { ...doc, account_type: doc.account_type }, evidence));
  return { findings, facts };
}

/** What the answer means for a join: a domain nobody verified, federation (WS-Trust or not), or managed. */
function realmFindings(
  user: string,
  doc: UserRealmV1 & { account_type: string },
  evidence: Evidence[],
): Finding[] {
  const type = doc.account_type.toLowerCase();
  const findings: Finding[] = [];
  if (type === 'unknown') {
    findings.push({
      id: 'probe-realm-unknown-domain',
      severity: 'error',
      phase: 'discover',
      title: `${user} is not in a domain that Microsoft Entra ID knows`,
      codes: [codeRef(0x801c003d)],
      evidence,
      cause:
        'Realm discovery does not know the domain: it is not a verified custom domain of any tenant. Joins need the SCP to name a verified domain; users with such a UPN suffix cannot get a Primary Refresh Token (a non-routable UPN needs Alternate Login ID).',
      fix: [
        'Verify the domain in the tenant, or point the SCP at a verified domain.',
        'For users with a non-routable UPN suffix, change the UPN or configure Alternate Login ID.',
      ],
      docs: [DOCS.discover, DOCS.scp, DOCS.altLoginId],
    });
  } else if (type === 'federated') {
    const protocol = doc.federation_protocol ?? '';
    const wsTrust = /^ws-?trust$/i.test(protocol);
    findings.push({
      id: wsTrust ? 'probe-realm-federated' : 'probe-realm-not-wstrust',
      severity: wsTrust ? 'info' : 'error',
      phase: wsTrust ? 'discover' : 'auth',
      title: wsTrust
        ? `${doc.domain_name ?? user} is federated (WS-Trust), metadata at ${hostOf(doc.federation_metadata_url ?? '') || 'no address'}`
        : `${doc.domain_name ?? user} is federated with ${protocol || 'an unnamed protocol'}, not WS-Trust`,
      codes: wsTrust ? [] : [codeRef(0xcaa90017)],
      evidence,
      ...(!wsTrust && {
        cause:
          'Windows gets the join token from the federation service with integrated Windows authentication over WS-Trust; an identity provider federated with another protocol (SAML-P, WS-Federation only) cannot serve it.',
        fix: [
          'Enable WS-Trust on the identity provider (and its MEX document), or move the domain to managed authentication.',
        ],
        docs: [DOCS.auth, DOCS.federationClaims],
      }),
    });
    if (wsTrust && !doc.federation_metadata_url) {
      findings.push({
        id: 'probe-realm-no-metadata-url',
        severity: 'error',
        phase: 'auth',
        title: 'The domain is federated but realm discovery names no metadata (MEX) address',
        codes: [codeRef(0xcaa90023)],
        evidence,
        cause: 'Without a MEX address Windows cannot find the WS-Trust endpoints.',
        fix: [
          'Set the federation metadata address on the federated domain (for example with Update-MgDomainFederationConfiguration).',
        ],
        docs: [DOCS.auth],
      });
    }
  } else {
    findings.push({
      id: 'probe-realm-managed',
      severity: 'info',
      phase: 'discover',
      title: `${doc.domain_name ?? user} is ${doc.account_type.toLowerCase()} (no federation service involved)`,
      codes: [],
      evidence,
    });
  }
  return findings;
}
