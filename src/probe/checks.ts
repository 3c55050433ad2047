// The live checks as rule-like units. Each has an id, named like its evidence source (`probe:realm`
// is the check `probe-realm`), and every finding it returns carries that id as `rule`, as a rule's
// findings do; a finding shared by every HTTP check (a proxy that wants authentication, TLS
// inspection) names the check that made the request.
import type { Finding } from '../types.js';
import type { CheckResult } from './types.js';

export interface ProbeCheck {
  /** What the check asks, in a sentence. */
  readonly description: string;
  /** The evidence source its findings cite (an offline SCP file cites the file's name instead). */
  readonly source?: string;
}

export const PROBE_CHECKS = {
  'probe-endpoints': {
    description:
      'Reaches each service host the guide says a device must reach, and says how the traffic got there.',
    source: 'probe:endpoints',
  },
  'probe-drs-discovery': {
    description:
      'Asks the registration service to discover the domain, as a device does in the discover phase.',
    source: 'probe:drs-discovery',
  },
  'probe-realm': {
    description: 'Asks realm discovery whether the user or domain is managed or federated.',
    source: 'probe:realm',
  },
  'probe-mex': {
    description: "Reads the federation service's metadata and checks the WS-Trust endpoints a join needs.",
    source: 'probe:mex',
  },
  'probe-tenant-metadata': {
    description: "Reads the tenant's OpenID metadata: does Entra ID know the tenant or domain.",
    source: 'probe:tenant-metadata',
  },
  'probe-scp-ldap': {
    description: 'Reads the service connection point from Active Directory over LDAP.',
    source: 'probe:scp-ldap',
  },
  'probe-scp-file': {
    description: 'Reads the service connection point from an AD export or a registry export of CDJ\\AAD.',
  },
  'probe-scp-check': {
    description: 'Cross-checks the SCPs, the discovery answer, the tenant metadata and the expected tenant.',
    source: 'probe:scp-check',
  },
  'probe-clock': {
    description: "Compares the servers' Date headers with the local clock.",
    source: 'probe:clock',
  },
  'probe-local-proxy': {
    description: 'Reads the WinHTTP and SYSTEM proxy settings of this Windows machine.',
    source: 'probe:local-proxy',
  },
} as const satisfies Record<string, ProbeCheck>;

export type ProbeCheckId = keyof typeof PROBE_CHECKS;

/** The findings with `rule` set to the check (kept where a finding names one already). */
export function fromCheck(rule: ProbeCheckId, findings: Finding[]): Finding[] {
  // `rule` second, after `id`, as the rules' findings print it.
  return findings.map((f) => {
    if (f.rule) return f;
    const { id, ...rest } = f;
    return { id, rule, ...rest };
  });
}

/** A check's result with `rule` on each of its findings. */
export function resultOf<F>(rule: ProbeCheckId, result: CheckResult<F>): CheckResult<F> {
  return { ...result, findings: fromCheck(rule, result.findings) };
}
