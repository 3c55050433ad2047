// Reachability of the hosts the guide says a device must reach (and may not inspect): for each, name
// resolution, TCP, the TLS chain, and the HTTP status with the time it took. Any HTTP answer from
// the real service counts as reachable; what matters here is how the traffic gets there.
import { DOCS } from '../kb/docs.js';
import type { Finding, Phase } from '../types.js';
import { fromCheck } from './checks.js';
import { hostOf, type ProbeContext } from './context.js';
import { type Target, transportFindings } from './network-findings.js';
import type { ServiceEndpoints } from './types.js';

export const PROBE = 'probe:endpoints';

interface EndpointSpec {
  key: keyof ServiceEndpoints;
  role: string;
  phase: Phase;
}

const SPECS: EndpointSpec[] = [
  { key: 'registration', role: 'the device registration service', phase: 'discover' },
  { key: 'login', role: 'the sign-in service', phase: 'discover' },
  { key: 'deviceLogin', role: 'the device sign-in service', phase: 'post-join' },
  { key: 'autologon', role: 'the seamless single sign-on service', phase: 'post-join' },
];

/** Which of the four hosts to check (all by default). */
export type EndpointKey = keyof ServiceEndpoints;

export async function checkEndpoints(
  ctx: ProbeContext,
  which: EndpointKey[] = SPECS.map((s) => s.key),
): Promise<Finding[]> {
  const specs = SPECS.filter((s) => which.includes(s.key));
  const results = await Promise.all(specs.map((s) => checkOne(ctx, s)));
  return fromCheck('probe-endpoints', results.flat());
}

async function checkOne(ctx: ProbeContext, spec: EndpointSpec): Promise<Finding[]> {
  const base = ctx.endpoints[spec.key];
  const host = hostOf(base);
  const target: Target = {
    probe: PROBE,
    label: `${spec.role} (${host})`,
    phase: spec.phase,
    family: 'wininet',
    id: 'probe-endpoint',
    docs: [spec.phase === 'discover' ? DOCS.discover : DOCS.networkCodes],
  };
  const res = await ctx.get(`${base.replace(/\/+$/, '')}/`);
  // Content is not judged here: the services answer their root path with redirects or pages.
  const problems = transportFindings(target, res, 'JSON').filter(
    (f) => f.id !== 'probe-html-instead-of-service',
  );
  if (problems.length > 0 || !res.ok) return problems;
  const via = res.proxy ? ` through proxy ${res.proxy}` : ' directly';
  const issuer = res.tls?.chain[0]?.issuer;
  return [
    {
      id: 'probe-endpoint-reachable',
      severity: 'info',
      phase: spec.phase,
      title: `${host} is reachable${via}: HTTP ${res.status} in ${res.ms} ms`,
      codes: [],
      evidence: [
        {
          source: PROBE,
          text:
            `GET ${res.url}: HTTP ${res.status} in ${res.ms} ms` +
            (res.address ? `, address ${res.address}` : '') +
            (issuer ? `, certificate issued by ${issuer}` : ''),
        },
      ],
    },
  ];
}
