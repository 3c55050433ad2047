import { describe, expect, it } from 'vitest';
import { judgeLocal, parseNetshWinHttp, parseRegQuery, winInetFrom } from '../src/probe/local-proxy.js';
import { fixture } from './probe-helpers.js';

describe('--local parsers', () => {
  it('reads netsh winhttp show proxy, direct and with a proxy', () => {
    expect(parseNetshWinHttp(fixture('local/netsh-direct.txt'))).toEqual({ direct: true });
    expect(parseNetshWinHttp(fixture('local/netsh-proxy.txt'))).toEqual({
      direct: false,
      server: 'proxy.contoso.com:8080',
      bypass: '*.contoso.com;<local>',
    });
    expect(parseNetshWinHttp('Aktuelle WinHTTP-Proxyeinstellungen: ...')).toEqual({
      direct: false,
      unknown: true,
    });
  });

  it("reads SYSTEM's WinINet settings from reg query", () => {
    const v = parseRegQuery(fixture('local/reg-query-system-internet-settings.txt'));
    expect(v.ProxyEnable).toBe('1');
    expect(winInetFrom(v)).toEqual({
      enabled: true,
      server: 'proxy.contoso.com:8080',
      bypass: '*.contoso.com;<local>',
      autoConfigUrl: 'http://wpad.contoso.com/wpad.dat',
    });
  });

  it('warns when the probe did not run as SYSTEM, and when SYSTEM lacks the proxy the probe needed', () => {
    const f = judgeLocal({
      user: 'contoso\\alice\r\n',
      winhttp: { direct: true },
      winhttpRaw: fixture('local/netsh-direct.txt'),
      systemWinInet: { enabled: false },
      probeProxy: 'http://proxy.contoso.com:8080',
    });
    expect(f.map((x) => `${x.id} ${x.severity}`)).toEqual([
      'probe-local-not-system warning',
      'probe-local-winhttp-proxy info',
      'probe-local-system-wininet info',
      'probe-local-system-no-proxy warning',
    ]);
    expect(f[0]?.title).toContain('contoso\\alice');
  });

  it('is quiet as SYSTEM with a WinHTTP proxy', () => {
    const f = judgeLocal({
      user: 'nt authority\\system',
      winhttp: parseNetshWinHttp(fixture('local/netsh-proxy.txt')),
      winhttpRaw: fixture('local/netsh-proxy.txt'),
      probeProxy: 'http://proxy.contoso.com:8080',
    });
    expect(f.map((x) => x.severity)).toEqual(['info']);
    expect(f[0]?.title).toBe(
      'WinHTTP proxy (used by SYSTEM): proxy.contoso.com:8080, bypass *.contoso.com;<local>',
    );
  });
});
