// What a running probe session shares between checks: options, the service addresses, and the
// server clocks seen so far (for the clock-skew check at the end).
import { type HttpOptions, type HttpResult, httpsGet, proxyFor } from './http.js';
import { endpointsFor, type ProbeOptions, type ServiceEndpoints } from './types.js';

export interface ServerDate {
  url: string;
  /** The server's Date header. */
  server: Date;
  /** The local clock when the answer arrived. */
  local: Date;
}

export interface ProbeContext {
  options: ProbeOptions;
  endpoints: ServiceEndpoints;
  dates: ServerDate[];
  now(): Date;
  get(url: string, headers?: Record<string, string>): Promise<HttpResult>;
}

export function createContext(options: ProbeOptions): ProbeContext {
  const dates: ServerDate[] = [];
  const now = options.now ?? (() => new Date());
  return {
    options,
    endpoints: endpointsFor(options),
    dates,
    now,
    async get(url, headers) {
      const http: HttpOptions = {
        timeoutMs: options.timeoutMs,
        ...(headers && { headers }),
        ...(options.trustedRoots && { trustedRoots: options.trustedRoots }),
      };
      const proxy = proxyFor(url, options.proxy, options.env);
      if (proxy) http.proxy = proxy;
      const res = await httpsGet(url, http);
      if (res.ok && res.headers.date) {
        const server = new Date(res.headers.date);
        if (!Number.isNaN(server.getTime())) dates.push({ url, server, local: now() });
      }
      return res;
    },
  };
}

/** The host of a URL, for labels. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
