// Reads the SCP from Active Directory over LDAP with ldapts: RootDSE gives the configuration naming
// context (or the URL names the forest root), then a base search on the SCP's DN for `keywords`.
// A password is never sent in the clear: over ldap:// the session is upgraded with StartTLS first,
// and the password itself comes from the environment or a prompt, never from the command line.
import {
  Client,
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchObjectError,
  StrongAuthRequiredError,
} from 'ldapts';
import { DOCS } from '../kb/docs.js';
import type { Evidence, Finding } from '../types.js';
import { resultOf } from './checks.js';
import { codeRef } from './network-findings.js';
import { keywordFindings, parseKeywords, SCP_PARENT, scpDn } from './scp.js';
import type { CheckResult, ScpFacts } from './types.js';

export const PROBE = 'probe:scp-ldap';

export interface LdapTarget {
  /** ldap://host[:port][/forest root DN] or ldaps://... */
  url: string;
  /** Bind name (a DN, or user@domain as AD accepts); anonymous without it. */
  user?: string;
  password?: string;
  /** PEM certificates to trust for the directory's TLS certificate (an enterprise CA). */
  ca?: string[];
}

interface ParsedLdapUrl {
  server: string;
  host: string;
  secure: boolean;
  baseDn?: string;
}

/** Splits an LDAP URL (RFC 4516) into the server part and an optional forest root DN. */
export function parseLdapUrl(url: string): ParsedLdapUrl {
  const m = /^(ldaps?):\/\/([^/?#]+)(?:\/([^?#]*))?/i.exec(url.trim());
  if (!m) throw new Error(`not an LDAP URL (ldap://host[:port][/DC=example,DC=com]): ${url}`);
  const scheme = m[1]!.toLowerCase();
  const hostPort = m[2]!;
  const host = hostPort.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const dn = m[3] ? decodeURIComponent(m[3]) : '';
  return {
    server: `${scheme}://${hostPort}`,
    host,
    secure: scheme === 'ldaps',
    ...(dn.trim() !== '' && { baseDn: dn.trim() }),
  };
}

function first(v: unknown): string | undefined {
  if (Array.isArray(v)) return first(v[0]);
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return typeof v === 'string' ? v : undefined;
}

function all(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(all);
  if (Buffer.isBuffer(v)) return [v.toString('utf8')];
  return typeof v === 'string' ? [v] : [];
}

export async function checkScpLdap(target: LdapTarget, timeoutMs: number): Promise<CheckResult<ScpFacts>> {
  return resultOf('probe-scp-ldap', await readScpLdap(target, timeoutMs));
}

/** One conversation with a domain controller: what the steps share, and the step under way (for a failure). */
interface Session {
  client: Client;
  parsed: ParsedLdapUrl;
  target: LdapTarget;
  tlsOptions: { ca?: LdapTarget['ca']; servername?: string };
  /** What was done so far, as evidence. */
  trail: Evidence[];
  step: string;
}

const ev = (text: string): Evidence => ({ source: PROBE, text });

async function readScpLdap(target: LdapTarget, timeoutMs: number): Promise<CheckResult<ScpFacts>> {
  let parsed: ParsedLdapUrl;
  try {
    parsed = parseLdapUrl(target.url);
  } catch (err) {
    return { findings: [problem('probe-ldap-bad-url', (err as Error).message, [], 'warning')] };
  }
  const tlsOptions = {
    ...(target.ca && { ca: target.ca }),
    ...(parsed.host && !/^[\d.]+$|:/.test(parsed.host) && { servername: parsed.host }),
  };
  const client = new Client({
    url: parsed.server,
    timeout: timeoutMs,
    connectTimeout: timeoutMs,
    // ldapts takes any tlsOptions as a request for TLS from the first byte: give them to ldaps:// only.
    ...(parsed.secure && { tlsOptions }),
  });
  const session: Session = { client, parsed, target, tlsOptions, trail: [], step: 'connect' };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
  });
  const run = async (): Promise<CheckResult<ScpFacts>> => {
    const refused = await signIn(session);
    if (refused) return refused;
    const nc = await configurationNc(session);
    return typeof nc === 'string' ? await readScp(session, nc) : nc;
  };
  try {
    return await Promise.race([run(), deadline]);
  } catch (err) {
    return { findings: [ldapFailure(err, session.step, parsed.server, target, session.trail)] };
  } finally {
    clearTimeout(timer);
    await client.unbind().catch(() => undefined);
  }
}

/** With --ldap-user: StartTLS first on ldap:// (a password never goes in clear), then the bind. */
async function signIn(s: Session): Promise<CheckResult<ScpFacts> | undefined> {
  const { client, parsed, target, trail } = s;
  if (!target.user) return undefined;
  if (!parsed.secure) {
    s.step = 'starttls';
    try {
      // A fresh object: ldapts adds the socket to it; host is what the certificate must name.
      await client.startTLS({ ...s.tlsOptions, host: parsed.host });
      trail.push(ev(`${parsed.server}: StartTLS done`));
    } catch (err) {
      return {
        findings: [
          problem(
            'probe-ldap-no-tls',
            `${parsed.server} offers no usable StartTLS, so the password was not sent (${describe(err)})`,
            [...trail, ev(`StartTLS: ${describe(err)}`)],
            'error',
            'Use ldaps:// (port 636), pass the CA that issued the domain controller certificate with --ldap-ca, or run without --ldap-user for an anonymous read.',
          ),
        ],
      };
    }
  }
  s.step = 'bind';
  await client.bind(target.user, target.password ?? '');
  trail.push(ev(`bound as ${target.user}`));
  return undefined;
}

/** The configuration naming context: from the forest root the URL names, else from the RootDSE. */
async function configurationNc(s: Session): Promise<string | CheckResult<ScpFacts>> {
  const { client, parsed, trail } = s;
  if (parsed.baseDn) {
    trail.push(ev(`forest root from the URL: ${parsed.baseDn}`));
    return /^CN=Configuration,/i.test(parsed.baseDn) ? parsed.baseDn : `CN=Configuration,${parsed.baseDn}`;
  }
  s.step = 'rootdse';
  const { searchEntries } = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['configurationNamingContext', 'rootDomainNamingContext', 'namingContexts'],
  });
  const root: Record<string, unknown> = searchEntries[0] ?? {};
  const configNc =
    first(root.configurationNamingContext) ??
    (first(root.rootDomainNamingContext)
      ? `CN=Configuration,${first(root.rootDomainNamingContext)}`
      : undefined);
  trail.push(
    ev(`RootDSE: configurationNamingContext ${first(root.configurationNamingContext) ?? '(absent)'}`),
  );
  if (configNc) return configNc;
  return {
    findings: [
      problem(
        'probe-ldap-no-configuration-nc',
        `${parsed.server} publishes no configuration naming context in its RootDSE (not an Active Directory domain controller?)`,
        trail,
        'warning',
        'Point --ldap at a domain controller, or name the forest root in the URL: ldap://dc.example.com/DC=example,DC=com.',
      ),
    ],
  };
}

/** The SCP object's keywords, judged; a missing or hidden object is a finding of its own. */
async function readScp(s: Session, configNc: string): Promise<CheckResult<ScpFacts>> {
  const { client, parsed, trail } = s;
  const dn = scpDn(configNc);
  s.step = 'scp';
  let entry: Record<string, unknown> | undefined;
  try {
    const { searchEntries } = await client.search(dn, {
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: ['keywords'],
    });
    entry = searchEntries[0];
  } catch (err) {
    const finding = scpSearchFailure(err, s, dn);
    if (finding) return { findings: [finding] };
    throw err;
  }
  const keywords = entry ? all(entry.keywords) : [];
  const evidence = [...trail, ev(`${dn}: keywords ${keywords.length > 0 ? keywords.join(' | ') : '(none)'}`)];
  if (!entry || keywords.length === 0) {
    return {
      findings: [
        {
          id: 'probe-scp-unreadable',
          severity: 'error',
          phase: 'discover',
          title: 'The SCP exists but its keywords are empty or not readable with this account',
          codes: [codeRef(0x801c001d)],
          evidence,
          cause:
            'Windows reads the tenant from the SCP keywords as the computer account; empty keywords, or permissions that hide them, stop the join in the discover phase.',
          fix: [
            'Check the SCP keywords (azureADName, azureADId) and that Authenticated Users (or Domain Computers) may read the object.',
          ],
          docs: [DOCS.scp, DOCS.discover],
        },
      ],
    };
  }
  const kw = parseKeywords(keywords);
  return {
    findings: keywordFindings(kw, evidence, `AD (${parsed.server})`),
    facts: {
      source: `${parsed.server} ${dn}`,
      kind: 'ad',
      ...(kw.tenantId && { tenantId: kw.tenantId }),
      ...(kw.tenantName && { tenantName: kw.tenantName }),
    },
  };
}

/** No SCP object, or one this account may not read; undefined for any other failure. */
function scpSearchFailure(err: unknown, s: Session, dn: string): Finding | undefined {
  const { target, trail } = s;
  if (err instanceof NoSuchObjectError) {
    return {
      id: 'probe-scp-missing',
      severity: 'error',
      phase: 'discover',
      title: 'There is no SCP for device registration in this forest',
      codes: [codeRef(0x801c001d)],
      evidence: [...trail, ev(`${dn}: no such object`)],
      cause: `Hybrid join needs the SCP under ${SCP_PARENT} in the configuration naming context of every forest that holds joining computers (or the client-side SCP in the registry).`,
      fix: [
        'Configure the SCP with Microsoft Entra Connect (Configure device options > Configure Hybrid Azure AD join), or create it by hand as the guide describes.',
      ],
      docs: [DOCS.scp, DOCS.discover],
    };
  }
  if (err instanceof InsufficientAccessError) {
    return {
      id: 'probe-scp-unreadable',
      severity: 'error',
      phase: 'discover',
      title: `The SCP cannot be read with ${target.user ? `the account ${target.user}` : 'an anonymous bind'}`,
      codes: [codeRef(0x801c001d)],
      evidence: [...trail, ev(`${dn}: insufficient access rights`)],
      cause: target.user
        ? 'The object exists but its permissions deny this account; if computers are denied too, the join stops in the discover phase.'
        : 'Active Directory allows no anonymous reads of the configuration partition.',
      fix: [
        target.user
          ? 'Grant Authenticated Users (or Domain Computers) read access to the SCP object.'
          : 'Run again with --ldap-user (the password comes from DSREG_DOCTOR_LDAP_PASSWORD or a prompt).',
      ],
      docs: [DOCS.scp, DOCS.discover],
    };
  }
  return undefined;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: string | number }).code;
    return `${err.message}${code !== undefined && !err.message.includes(String(code)) ? ` (${code})` : ''}`;
  }
  return String(err);
}

function ldapFailure(
  err: unknown,
  step: string,
  server: string,
  target: LdapTarget,
  trail: Evidence[],
): Finding {
  const evidence = [...trail, { source: PROBE, text: `${server} at step ${step}: ${describe(err)}` }];
  if (err instanceof InvalidCredentialsError) {
    return problem(
      'probe-ldap-bind-failed',
      `The directory rejected the bind as ${target.user}`,
      evidence,
      'warning',
      'Check the account name (DN or user@domain) and the password in DSREG_DOCTOR_LDAP_PASSWORD.',
    );
  }
  if (err instanceof StrongAuthRequiredError) {
    return problem(
      'probe-ldap-bind-failed',
      'The directory requires a protected (signed or TLS) connection for this bind',
      evidence,
      'warning',
      'Use ldaps:// or a server that offers StartTLS.',
    );
  }
  const code = (err as { code?: string }).code;
  const timedOut = code === 'ETIMEDOUT' || /timeout|timed out/i.test(describe(err));
  return problem(
    'probe-ldap-unreachable',
    timedOut
      ? `No answer from the directory at ${server} within the time limit`
      : `Cannot reach the directory at ${server} (${describe(err)})`,
    evidence,
    'warning',
    'Check that a domain controller answers on that address and port from here (the device needs line of sight to a domain controller too).',
  );
}

function problem(
  id: string,
  title: string,
  evidence: Evidence[],
  severity: 'error' | 'warning',
  fix?: string,
): Finding {
  return {
    id,
    severity,
    phase: 'discover',
    title,
    codes: [],
    evidence: evidence.length > 0 ? evidence : [{ source: PROBE, text: title }],
    ...(fix && { fix: [fix] }),
    docs: [DOCS.scp],
  };
}
