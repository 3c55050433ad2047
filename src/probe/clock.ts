// Clock skew: the servers' Date headers against the local clock. Certificates, Kerberos and token
// lifetimes all fail when the device's time is off by minutes.
import { DOCS } from '../kb/docs.js';
import type { Finding } from '../types.js';
import { fromCheck } from './checks.js';
import type { ServerDate } from './context.js';

export const PROBE = 'probe:clock';

/** Beyond this, token requests and Kerberos start failing. */
export const SKEW_LIMIT_MS = 5 * 60 * 1000;

export function checkClock(dates: ServerDate[]): Finding[] {
  return fromCheck('probe-clock', clockFindings(dates));
}

function clockFindings(dates: ServerDate[]): Finding[] {
  if (dates.length === 0) return [];
  // The median skew, so one odd server (or a caching proxy's stale Date) does not decide.
  const skews = dates
    .map((d) => ({ d, skew: d.local.getTime() - d.server.getTime() }))
    .sort((a, b) => a.skew - b.skew);
  const mid = skews[Math.floor(skews.length / 2)]!;
  const minutes = Math.round(Math.abs(mid.skew) / 60000);
  const evidence = skews.slice(0, 4).map(({ d, skew }) => ({
    source: PROBE,
    text: `${new URL(d.url).host} Date ${d.server.toISOString()}, local ${d.local.toISOString()} (${skew >= 0 ? '+' : '-'}${Math.round(Math.abs(skew) / 1000)} s)`,
  }));
  if (Math.abs(mid.skew) <= SKEW_LIMIT_MS) {
    return [
      {
        id: 'probe-clock-ok',
        severity: 'info',
        phase: null,
        title: `The local clock agrees with the servers (within ${Math.max(1, Math.round(Math.abs(mid.skew) / 1000))} s)`,
        codes: [],
        evidence,
      },
    ];
  }
  return [
    {
      id: 'probe-clock-skew',
      severity: 'error',
      phase: 'auth',
      title: `The local clock is ${minutes} minutes ${mid.skew > 0 ? 'ahead of' : 'behind'} the servers`,
      codes: [],
      evidence,
      cause:
        'Certificate validation, Kerberos and token lifetimes all depend on the time; with this much skew TLS checks and token requests fail.',
      fix: [
        'Fix the time source: domain members take their time from the domain hierarchy (w32tm /query /status shows the source).',
      ],
      docs: [DOCS.auth],
    },
  ];
}
