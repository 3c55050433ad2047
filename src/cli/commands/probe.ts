// `dsreg-doctor probe`: the guide's network and directory checks, run live from this machine.
// Exit codes as `diagnose`: 0 no warning or error finding, 1 otherwise, 2 bad usage.
import { type Command, Option } from 'commander';
import { createColors } from 'picocolors';
import { decodeText } from '../../input/decode.js';
import type { ProbeRequest } from '../../probe/run.js';
import type { LdapTarget } from '../../probe/scp-ldap.js';
import type { Cloud, ProbeOptions, ServiceEndpoints } from '../../probe/types.js';
import { renderText } from '../../report/text.js';
import { type Diagnosis, type Finding, PHASES, type Phase } from '../../types.js';
import { verdictOf } from '../../verdict.js';
import { type CliIO, describeReadError } from '../io.js';
import type { CommandState } from '../main.js';
import {
  addColorOptions,
  addHelpFooter,
  emit,
  fail,
  formatOption,
  outOption,
  textWidth,
  useColor,
} from '../options.js';

/** TEST ONLY: JSON with base URLs replacing the real services, and a PEM file standing for the public roots. */
export const TEST_ENDPOINTS_ENV = 'DSREG_DOCTOR_TEST_ENDPOINTS';
export const LDAP_PASSWORD_ENV = 'DSREG_DOCTOR_LDAP_PASSWORD';

interface ProbeCliOptions {
  upn?: string;
  domain?: string;
  tenant?: string;
  ldap?: string;
  ldapUser?: string;
  ldapCa?: string;
  scpFile?: string[];
  proxy?: string;
  cloud: string;
  timeout: string;
  format: string;
  out?: string;
  color?: boolean;
  local?: boolean;
}

class UsageError extends Error {}

export function registerProbe(program: Command, io: CliIO, state: CommandState): void {
  const cmd = program
    .command('probe')
    .description(
      'Check, live from this machine, what the join needs: the Entra endpoints (DNS, TCP, TLS, proxy), ' +
        'registration service discovery, realm discovery and the federation metadata (MEX), the tenant, ' +
        'the clock, and the service connection point (SCP) in AD or in exported files. Read-only: no ' +
        'credentials are sent over HTTP.',
    )
    .option('--upn <user@domain>', 'a user to run realm discovery for (its domain is used for the rest)')
    .option('--domain <domain>', 'the verified domain to check (discovery, tenant metadata)')
    .option('--tenant <id-or-domain>', 'the tenant ID the SCP and the domain must match')
    .option('--ldap <url>', 'read the SCP from AD: ldap[s]://dc.example.com[/DC=example,DC=com]')
    .option('--ldap-user <name>', `bind as this account (password from ${LDAP_PASSWORD_ENV} or a prompt)`)
    .option('--ldap-ca <pem-file>', 'trust this CA for the domain controller certificate (ldaps/StartTLS)')
    .option(
      '--scp-file <file>',
      'an ldifde export or Get-ADObject output of the SCP, or a reg export of HKLM\\...\\CDJ\\AAD (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--proxy <url>',
      'send HTTPS through this proxy (http://host:port); default HTTPS_PROXY / NO_PROXY',
    )
    .addOption(new Option('--cloud <cloud>', 'which cloud').choices(['public', 'usgov']).default('public'))
    .option('--timeout <seconds>', 'time limit for each check', '10')
    .addOption(formatOption(['text', 'json'], 'output format (json: the shape of `diagnose --format json`)'))
    .addOption(outOption('the result'))
    .option('--local', "Windows only: also report the SYSTEM account's WinHTTP and WinINet proxy settings");
  addColorOptions(cmd);
  addHelpFooter(cmd, {
    notes: ['Exit codes: 0 nothing wrong, 1 a warning or error, 2 bad usage.'],
    examples: [
      'dsreg-doctor probe --upn someone@contoso.com',
      'dsreg-doctor probe --domain contoso.com --tenant contoso.com -f json',
      `${LDAP_PASSWORD_ENV}=... dsreg-doctor probe \\`,
      '    --ldap ldaps://dc1.contoso.com --ldap-user probe@contoso.com',
      'dsreg-doctor probe --scp-file scp.ldf --scp-file cdj-aad.reg',
    ],
  });
  cmd.action(async (opts: ProbeCliOptions) => {
    try {
      state.code = await probeCommand(opts, io);
    } catch (err) {
      if (err instanceof UsageError) {
        fail(io, 'probe', err.message);
        state.code = 2;
        return;
      }
      throw err;
    }
  });
}

async function readText(io: CliIO, path: string): Promise<string> {
  try {
    return decodeText(await io.read(path)).text;
  } catch (err) {
    throw new UsageError(describeReadError(path, err));
  }
}

function pemBlocks(text: string, path: string): string[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new UsageError(`${path}: no PEM certificate in it`);
  return blocks;
}

async function probeCommand(opts: ProbeCliOptions, io: CliIO): Promise<number> {
  const seconds = Number(opts.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
    throw new UsageError(`--timeout must be a number of seconds between 0 and 600, not "${opts.timeout}"`);
  }
  if (opts.upn !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(opts.upn)) {
    throw new UsageError(`--upn must look like user@domain.com, not "${opts.upn}"`);
  }
  if (opts.domain !== undefined && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(opts.domain)) {
    throw new UsageError(`--domain must be a DNS domain name like contoso.com, not "${opts.domain}"`);
  }
  if (opts.proxy !== undefined) {
    let ok = false;
    try {
      ok = new URL(opts.proxy).protocol === 'http:';
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError(`--proxy must be an http://host:port URL, not "${opts.proxy}"`);
  }
  if (opts.ldapUser && !opts.ldap) throw new UsageError('--ldap-user needs --ldap');
  if (opts.ldap && !/^ldaps?:\/\/[^/]+/i.test(opts.ldap)) {
    throw new UsageError(`--ldap must be ldap://host or ldaps://host, not "${opts.ldap}"`);
  }
  const platform = process.platform;
  if (opts.local && platform !== 'win32') {
    throw new UsageError(
      `--local reads the SYSTEM account's proxy settings with netsh and the registry, so it works only on Windows (this is ${platform}); run the other checks without it`,
    );
  }

  const options: ProbeOptions = {
    cloud: opts.cloud as Cloud,
    timeoutMs: Math.round(seconds * 1000),
    env: io.env,
    now: () => io.now(),
    ...(opts.proxy && { proxy: opts.proxy }),
  };
  await applyTestEndpoints(io, options);

  const request: ProbeRequest = {
    ...(opts.upn && { upn: opts.upn }),
    ...(opts.domain && { domain: opts.domain }),
    ...(opts.tenant && { tenant: opts.tenant }),
  };
  if (opts.scpFile) {
    request.scpFiles = [];
    for (const f of opts.scpFile) request.scpFiles.push({ name: f, text: await readText(io, f) });
  }
  if (opts.ldap) {
    const ldap: LdapTarget = { url: opts.ldap };
    if (opts.ldapUser) {
      ldap.user = opts.ldapUser;
      const password = io.env[LDAP_PASSWORD_ENV] ?? (await promptPassword(opts.ldapUser));
      if (password === undefined) {
        throw new UsageError(
          `--ldap-user needs a password: set ${LDAP_PASSWORD_ENV} (it is never taken from the command line), or run in a terminal to be prompted`,
        );
      }
      ldap.password = password;
    }
    if (opts.ldapCa) ldap.ca = pemBlocks(await readText(io, opts.ldapCa), opts.ldapCa);
    request.ldap = ldap;
  }

  // The checks (and their LDAP and XML libraries) load when they run: `probe --help` needs none.
  const [{ runProbes, sortFindings }, { checkLocal }] = await Promise.all([
    import('../../probe/run.js'),
    import('../../probe/local-proxy.js'),
  ]);
  const started = performance.now();
  const work: Promise<Finding[]>[] = [runProbes(request, options)];
  if (opts.local)
    work.push(checkLocal(options.timeoutMs, opts.proxy ?? io.env.HTTPS_PROXY ?? io.env.https_proxy));
  const findings = sortFindings((await Promise.all(work)).flat());
  const elapsed = performance.now() - started;

  const diagnosis = toDiagnosis(findings, request);
  const output =
    opts.format === 'json'
      ? `${JSON.stringify(diagnosis, null, 2)}\n`
      : probeText(diagnosis, request, opts.cloud, elapsed, io, opts);
  if (!(await emit(io, 'probe', opts.out, output))) return 2;
  return diagnosis.verdict === 'healthy' ? 0 : 1;
}

/** The probe's findings as a Diagnosis, the shape `diagnose --format json` prints. */
export function toDiagnosis(findings: Finding[], request: ProbeRequest): Diagnosis {
  const errors = findings.filter((f) => f.severity === 'error');
  const verdict = verdictOf(findings);
  const phases = errors.map((f) => f.phase).filter((p): p is Phase => !!p);
  const phase = PHASES.find((p) => phases.includes(p)) ?? null;
  const nextSteps = [
    ...new Set(findings.filter((f) => f.severity !== 'info').flatMap((f) => f.fix?.slice(0, 1) ?? [])),
  ].slice(0, 6);
  return {
    schemaVersion: 1,
    verdict,
    joinType: 'unknown',
    phase,
    findings,
    ...(nextSteps.length > 0 && { nextSteps }),
    sources: ['probe', ...(request.scpFiles ?? []).map((f) => f.name)],
  };
}

function probeText(
  d: Diagnosis,
  request: ProbeRequest,
  cloud: string,
  ms: number,
  io: CliIO,
  opts: ProbeCliOptions,
): string {
  const subject = request.upn ?? request.domain ?? request.tenant ?? 'the Entra endpoints';
  const took = ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
  return renderText(d, {
    width: textWidth(io, opts.out),
    colors: createColors(useColor(io, opts.color, opts.out)),
    heading: [`dsreg-doctor probe: ${subject} (${cloud} cloud), done in ${took}`],
    hideDevice: true,
    compactNotes: true,
  });
}

/** Asks for the LDAP password on the terminal without echoing it; undefined without a terminal. */
async function promptPassword(user: string): Promise<string | undefined> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  process.stderr.write(`LDAP password for ${user}: `);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve) => {
    let value = '';
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(undefined);
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** TEST ONLY: point the probes at loopback test services (DSREG_DOCTOR_TEST_ENDPOINTS, JSON). */
export async function applyTestEndpoints(io: CliIO, options: ProbeOptions): Promise<void> {
  const testEndpoints = io.env[TEST_ENDPOINTS_ENV];
  if (testEndpoints) {
    let parsed: Partial<ServiceEndpoints> & { rootsFile?: string };
    try {
      parsed = JSON.parse(testEndpoints) as typeof parsed;
    } catch {
      throw new UsageError(`${TEST_ENDPOINTS_ENV} is not valid JSON`);
    }
    const { rootsFile, ...endpoints } = parsed;
    options.endpoints = endpoints;
    if (rootsFile) options.trustedRoots = pemBlocks(await readText(io, rootsFile), rootsFile);
  }
}
