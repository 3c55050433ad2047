// What every probe shares: its options, the services' addresses, and the facts one probe hands to
// another (realm discovery names the federation service, the SCP names the tenant ...).
import type { Finding } from '../types.js';

export type Cloud = 'public' | 'usgov';

/** Base URLs of the services the guide says a device must reach. */
export interface ServiceEndpoints {
  /** Device registration service (DRS) discovery and join. */
  registration: string;
  /** Realm discovery, tenant metadata, tokens. */
  login: string;
  /** Device authentication for the Primary Refresh Token. */
  deviceLogin: string;
  /** Seamless single sign-on. */
  autologon: string;
}

export const CLOUD_ENDPOINTS: Record<Cloud, ServiceEndpoints> = {
  public: {
    registration: 'https://enterpriseregistration.windows.net',
    login: 'https://login.microsoftonline.com',
    deviceLogin: 'https://device.login.microsoftonline.com',
    autologon: 'https://autologon.microsoftazuread-sso.com',
  },
  usgov: {
    registration: 'https://enterpriseregistration.microsoftonline.us',
    login: 'https://login.microsoftonline.us',
    deviceLogin: 'https://device.login.microsoftonline.us',
    autologon: 'https://autologon.microsoft.us',
  },
};

export interface ProbeOptions {
  cloud: Cloud;
  /** Per check, in milliseconds: DNS, connect, TLS and the response together. */
  timeoutMs: number;
  /** An explicit HTTP proxy (http://host:port); otherwise HTTPS_PROXY / NO_PROXY from `env`. */
  proxy?: string;
  env?: Record<string, string | undefined>;
  /** The local clock, for the skew check. */
  now?: () => Date;
  /**
   * TEST ONLY: base URLs that replace the real services' (loopback test servers). Nothing in the
   * product sets this except the test-only environment variable DSREG_DOCTOR_TEST_ENDPOINTS.
   */
  endpoints?: Partial<ServiceEndpoints>;
  /**
   * TEST ONLY: PEM certificates that stand in for the public roots (Node's bundled Mozilla store),
   * so that a test certificate authority can play the public one.
   */
  trustedRoots?: string[];
}

export function endpointsFor(options: ProbeOptions): ServiceEndpoints {
  return { ...CLOUD_ENDPOINTS[options.cloud], ...options.endpoints };
}

/** Facts from an SCP, wherever it was read (AD over LDAP, an export, the client-side registry key). */
export interface ScpFacts {
  /** Where it came from: an LDAP URL and DN, a file name. */
  source: string;
  kind: 'ad' | 'registry';
  tenantId?: string;
  tenantName?: string;
  line?: number;
}

export interface RealmFacts {
  query: string;
  accountType: 'Managed' | 'Federated' | 'Unknown' | string;
  domainName?: string;
  federationProtocol?: string;
  metadataUrl?: string;
  cloudInstance?: string;
}

export interface TenantFacts {
  query: string;
  tenantId?: string;
  /** The service answered that there is no such tenant. */
  notFound?: boolean;
}

export interface DiscoveryFacts {
  domain: string;
  tenantId?: string;
  tenantName?: string;
}

/** What one check returns: its findings, and facts for the checks that build on it. */
export interface CheckResult<F = undefined> {
  findings: Finding[];
  facts?: F;
}
