import { describe, expect, it } from 'vitest';
import { findDtd, judgeEndpoints, parseMex } from '../src/probe/mex.js';
import { fixture } from './probe-helpers.js';

const BASE = 'https://127.0.0.1:4443';
const load = (name: string) => fixture(name).replaceAll('{{BASE}}', BASE);

describe('parseMex', () => {
  it('pairs policies, bindings and ports of an AD FS-style MEX', () => {
    const r = parseMex(load('mex-adfs.xml'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const got = r.endpoints.map((e) => `${e.kind} ${e.version} ${e.url.replace(BASE, '')}`).sort();
    expect(got).toEqual(
      [
        'certificatemixed 1.3 /adfs/services/trust/13/certificatemixed',
        'certificatemixed 2005 /adfs/services/trust/2005/certificatemixed',
        'other 1.3 /adfs/services/trust/13/kerberosmixed',
        'other 2005 /adfs/services/trust/2005/kerberosmixed',
        'usernamemixed 1.3 /adfs/services/trust/13/usernamemixed',
        'usernamemixed 2005 /adfs/services/trust/2005/usernamemixed',
        'windowstransport 1.3 /adfs/services/trust/13/windowstransport',
        'windowstransport 2005 /adfs/services/trust/2005/windowstransport',
      ].sort(),
    );
  });

  it('classifies by policy when the addresses do not say what they are (a non-AD FS STS)', () => {
    const xml = load('mex-adfs.xml').replace(/\/adfs\/services\/trust\/(13|2005)\/([a-z]+)/g, '/sts/$1-$2x');
    const r = parseMex(xml);
    if (!r.ok) throw new Error('parse failed');
    const kinds = r.endpoints.filter((e) => e.kind !== 'other').map((e) => `${e.kind} ${e.version}`);
    expect(kinds.sort()).toEqual(
      [
        'certificatemixed 1.3',
        'certificatemixed 2005',
        'usernamemixed 1.3',
        'usernamemixed 2005',
        'windowstransport 1.3',
        'windowstransport 2005',
      ].sort(),
    );
  });

  it('refuses a DTD before parsing, with its line', () => {
    const r = parseMex(load('mex-with-dtd.xml'));
    expect(r).toEqual({ ok: false, problem: 'dtd', line: 2 });
  });

  it('ignores DOCTYPE text inside comments and CDATA', () => {
    expect(findDtd('<!-- <!DOCTYPE x> --><a><![CDATA[<!DOCTYPE y>]]></a>')).toBe(-1);
    expect(findDtd('<?xml version="1.0"?>\n<!doctype a>\n<a/>')).toBe(22);
    expect(findDtd('<a><!ENTITY x "y"></a>')).toBe(3);
  });

  it('reports XML that is not well formed, and XML that is not WSDL', () => {
    const broken = parseMex('<wsdl:definitions><wsdl:service></wsdl:definitions>');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.problem).toBe('not-xml');
    const saml = parseMex('<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"/>');
    expect(saml).toEqual({ ok: false, problem: 'not-mex', root: 'EntityDescriptor' });
  });

  it('does not expand entities', () => {
    const r = parseMex(
      '<definitions><service><port binding="tns:x"><address location="https://a/&amp;b"/></port></service></definitions>',
    );
    if (!r.ok) throw new Error('parse failed');
    expect(r.endpoints[0]?.url).toBe('https://a/&amp;b');
  });
});

describe('judgeEndpoints', () => {
  it('is satisfied by the full AD FS set', () => {
    const r = parseMex(load('mex-adfs.xml'));
    if (!r.ok) throw new Error('parse failed');
    const f = judgeEndpoints(r.endpoints, 'GET mex');
    expect(f.map((x) => x.id)).toEqual(['probe-mex-ok']);
  });

  it('names every missing endpoint with the guide codes', () => {
    const r = parseMex(load('mex-no-endpoints.xml'));
    if (!r.ok) throw new Error('parse failed');
    const f = judgeEndpoints(r.endpoints, 'GET mex');
    const byId = Object.fromEntries(f.map((x) => [x.id, x]));
    expect(Object.keys(byId).sort()).toEqual([
      'probe-mex-no-certificate-url',
      'probe-mex-no-password-url',
      'probe-mex-no-windowstransport',
    ]);
    expect(byId['probe-mex-no-windowstransport']?.codes[0]?.hex).toBe('0xcaa90023');
    expect(byId['probe-mex-no-password-url']?.codes[0]?.name).toBe(
      'AAD_CLOUDAP_E_HTTP_PASSWORD_URI_IS_EMPTY',
    );
    expect(byId['probe-mex-no-certificate-url']?.codes[0]?.hex).toBe('0xc004848c');
  });

  it('warns when one WS-Trust version is missing', () => {
    const r = parseMex(load('mex-13-only.xml'));
    if (!r.ok) throw new Error('parse failed');
    const f = judgeEndpoints(r.endpoints, 'GET mex');
    expect(f.map((x) => `${x.id} ${x.severity}`)).toEqual(['probe-mex-missing-version warning']);
    expect(f[0]?.title).toContain('windowstransport for WS-Trust 2005');
    expect(f[0]?.title).toContain('usernamemixed for WS-Trust 2005');
  });
});
