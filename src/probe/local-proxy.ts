// `--local` on Windows: the proxy settings the SYSTEM account uses, since joins and token requests
// run as SYSTEM: WinHTTP (`netsh winhttp show proxy`) and SYSTEM's WinINet settings (registry, hive
// S-1-5-18), plus whether this probe itself ran as SYSTEM. The parsers are pure; the runner calls
// the Windows tools and is only used on Windows.
import { execFile } from 'node:child_process';
import { DOCS } from '../kb/docs.js';
import type { Evidence, Finding } from '../types.js';
import { fromCheck } from './checks.js';

export const PROBE = 'probe:local-proxy';

export interface WinHttpProxy {
  direct: boolean;
  server?: string;
  bypass?: string;
  /** The text could not be read (a localized Windows, say). */
  unknown?: boolean;
}

export function parseNetshWinHttp(text: string): WinHttpProxy {
  if (/Direct access \(no proxy server\)/i.test(text)) return { direct: true };
  const server = /Proxy Server\(s\)\s*:\s*(.+)/i.exec(text)?.[1]?.trim();
  const bypass = /Bypass List\s*:\s*(.+)/i.exec(text)?.[1]?.trim();
  if (server) return { direct: false, server, ...(bypass && bypass !== '(none)' && { bypass }) };
  return { direct: false, unknown: true };
}

export interface RegValues {
  [name: string]: string;
}

/** `reg query KEY` output: "    Name    REG_TYPE    value" lines under the key. */
export function parseRegQuery(text: string): RegValues {
  const out: RegValues = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s+(\S(?:.*?\S)?)\s{2,}(REG_[A-Z_]+)\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[3]!.trim();
    if (m[2] === 'REG_DWORD' && /^0x[0-9a-f]+$/i.test(value)) value = String(Number.parseInt(value, 16));
    out[m[1]!] = value;
  }
  return out;
}

export interface WinInetProxy {
  enabled: boolean;
  server?: string;
  bypass?: string;
  autoConfigUrl?: string;
}

export function winInetFrom(values: RegValues): WinInetProxy {
  return {
    enabled: values.ProxyEnable === '1',
    ...(values.ProxyServer && { server: values.ProxyServer }),
    ...(values.ProxyOverride && { bypass: values.ProxyOverride }),
    ...(values.AutoConfigURL && { autoConfigUrl: values.AutoConfigURL }),
  };
}

export interface LocalFacts {
  user: string;
  winhttp: WinHttpProxy;
  winhttpRaw: string;
  systemWinInet?: WinInetProxy;
  /** The proxy this probe run used, if any (from --proxy or HTTPS_PROXY). */
  probeProxy?: string;
}

export function judgeLocal(facts: LocalFacts): Finding[] {
  return fromCheck('probe-local-proxy', localFindings(facts));
}

function localFindings(facts: LocalFacts): Finding[] {
  const findings: Finding[] = [];
  const ev = (text: string): Evidence => ({ source: PROBE, text });
  const isSystem = /^nt authority\\system$/i.test(facts.user.trim());
  if (!isSystem) {
    findings.push({
      id: 'probe-local-not-system',
      severity: 'warning',
      phase: null,
      title: `This probe ran as ${facts.user.trim()}, not as SYSTEM: its network path may differ from the join's`,
      codes: [],
      evidence: [ev(`whoami: ${facts.user.trim()}`)],
      cause:
        'Joins and token requests run as SYSTEM, with the WinHTTP proxy and SYSTEM’s own settings, not the user’s.',
      fix: [
        'Run the probe as SYSTEM too, for example: psexec -s -i cmd, then dsreg-doctor probe --local ...',
      ],
      docs: [DOCS.discover],
    });
  }
  const w = facts.winhttp;
  findings.push({
    id: 'probe-local-winhttp-proxy',
    severity: 'info',
    phase: null,
    title: w.unknown
      ? 'WinHTTP proxy: could not read the netsh output (shown as evidence)'
      : w.direct
        ? 'WinHTTP proxy (used by SYSTEM): none, direct access'
        : `WinHTTP proxy (used by SYSTEM): ${w.server}${w.bypass ? `, bypass ${w.bypass}` : ''}`,
    codes: [],
    evidence: [ev(`netsh winhttp show proxy: ${facts.winhttpRaw.replace(/\s+/g, ' ').trim()}`)],
  });
  const s = facts.systemWinInet;
  if (s) {
    findings.push({
      id: 'probe-local-system-wininet',
      severity: 'info',
      phase: null,
      title: `SYSTEM's WinINet settings: ${
        s.enabled && s.server ? `proxy ${s.server}` : 'no fixed proxy'
      }${s.autoConfigUrl ? `, PAC ${s.autoConfigUrl}` : ''}${s.bypass ? `, bypass ${s.bypass}` : ''}`,
      codes: [],
      evidence: [
        ev(
          `HKU\\S-1-5-18\\...\\Internet Settings: ProxyEnable ${s.enabled ? 1 : 0}` +
            (s.server ? `, ProxyServer ${s.server}` : '') +
            (s.autoConfigUrl ? `, AutoConfigURL ${s.autoConfigUrl}` : ''),
        ),
      ],
    });
  }
  const systemHasProxy = (!w.direct && !w.unknown) || (s?.enabled && !!s.server) || !!s?.autoConfigUrl;
  if (facts.probeProxy && !systemHasProxy) {
    findings.push({
      id: 'probe-local-system-no-proxy',
      severity: 'warning',
      phase: 'discover',
      title: `This probe used proxy ${facts.probeProxy}, but SYSTEM has no proxy configured`,
      codes: [],
      evidence: [ev(`probe proxy ${facts.probeProxy}; WinHTTP direct; SYSTEM WinINet without proxy`)],
      cause:
        'If the network needs that proxy, the join (as SYSTEM) goes direct and fails to reach the services.',
      fix: [
        'Publish WPAD, or set the WinHTTP proxy for computers by policy (netsh winhttp set proxy, or the Group Policy setting from Windows 10 1709).',
      ],
      docs: [DOCS.discover, DOCS.prerequisites],
    });
  }
  return findings;
}

function run(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, windowsHide: true }, (err, stdout) => {
      resolve(err && !stdout ? '' : String(stdout));
    });
  });
}

/** Windows only: reads the settings with netsh, reg and whoami, then judges them. */
export async function checkLocal(timeoutMs: number, probeProxy?: string): Promise<Finding[]> {
  const [user, netsh, systemReg] = await Promise.all([
    run('whoami', [], timeoutMs),
    run('netsh', ['winhttp', 'show', 'proxy'], timeoutMs),
    run(
      'reg',
      ['query', 'HKU\\S-1-5-18\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings'],
      timeoutMs,
    ),
  ]);
  return judgeLocal({
    user: user || '(unknown user)',
    winhttp: parseNetshWinHttp(netsh),
    winhttpRaw: netsh || '(no output)',
    ...(systemReg && { systemWinInet: winInetFrom(parseRegQuery(systemReg)) }),
    ...(probeProxy && { probeProxy }),
  });
}
