import { describe, expect, it } from 'vitest';
import {
  adalGroupDescription,
  decodeStructure,
  explainStructure,
  hresultFacilityName,
  isAdal,
  ntstatusFacilityName,
} from '../src/kb/structure.js';

describe('structure: HRESULT', () => {
  it('unwraps HRESULT_FROM_WIN32 (0x8007xxxx) to the Win32 error', () => {
    const s = decodeStructure(0x80070005);
    expect(s).toMatchObject({
      hex: '0x80070005',
      signed: -2147024891,
      unsigned: 2147942405,
      kind: 'hresult',
      severity: 'failure',
      facility: 7,
      facilityName: 'WIN32',
      code: 5,
      inner: { value: 5, kind: 'win32', via: 'HRESULT_FROM_WIN32' },
    });
    expect(explainStructure(s, ['ERROR_ACCESS_DENIED'])).toEqual([
      'HRESULT: failure, facility 7 (WIN32), code 0x5 (5).',
      'HRESULT_FROM_WIN32 wraps Win32 error 5 (0x5): ERROR_ACCESS_DENIED.',
    ]);
  });

  it('names facilities from the headers and the SDK supplement', () => {
    expect(decodeStructure(0x8009000b)).toMatchObject({
      facility: 9,
      facilityName: 'SECURITY/SSPI',
      code: 0xb,
    });
    expect(decodeStructure(0x80290407)).toMatchObject({ facility: 41, facilityName: 'TPM_SOFTWARE' });
    expect(decodeStructure(0x80280036)).toMatchObject({ facility: 40, facilityName: 'TPM_SERVICES' });
    expect(decodeStructure(0x88890001)).toMatchObject({ facility: 2185, facilityName: 'AUDCLNT' });
    expect(hresultFacilityName(12)).toBe('INTERNET');
    expect(hresultFacilityName(3000)).toBeUndefined();
  });

  it('leaves a facility unnamed where the SDK has no name, and says what facility 28 holds', () => {
    const s = decodeStructure(0x801c03f2);
    expect(s).toMatchObject({ kind: 'hresult', facility: 28, code: 0x3f2 });
    expect(s.facilityName).toBeUndefined();
    expect(s.inner).toBeUndefined();
    expect(explainStructure(s).join(' ')).toMatch(/Facility 28 .*DSREG_ codes are 0x801cxxxx/);
  });

  it('marks customer codes and does not name or unwrap their facility', () => {
    const s = decodeStructure(0xa0070005);
    expect(s).toMatchObject({ kind: 'hresult', customer: true, facility: 7 });
    expect(s.facilityName).toBeUndefined();
    expect(s.inner).toBeUndefined();
  });

  it('reads XmlLite codes as HRESULTs in the INTERNET facility when the family says so', () => {
    expect(decodeStructure(0xc00cee4f, 'xmllite')).toMatchObject({
      kind: 'hresult',
      severity: 'failure',
      facility: 12,
      facilityName: 'INTERNET',
      code: 0xee4f,
    });
  });
});

describe('structure: NTSTATUS', () => {
  it('reads severity and facility of an NTSTATUS', () => {
    expect(decodeStructure(0xc0000022)).toMatchObject({
      kind: 'ntstatus',
      severity: 'error',
      facility: 0,
      code: 0x22,
    });
    expect(decodeStructure(0x4000000c)).toMatchObject({ kind: 'ntstatus', severity: 'informational' });
    expect(decodeStructure(0xc002000a)).toMatchObject({ facility: 2, facilityName: 'RPC_RUNTIME' });
    expect(ntstatusFacilityName(0x29)).toBe('TPM');
  });

  it('reads an NTSTATUS warning as such when the family says so', () => {
    expect(decodeStructure(0x80000005, 'ntstatus')).toMatchObject({ kind: 'ntstatus', severity: 'warning' });
    expect(decodeStructure(0x80000005)).toMatchObject({ kind: 'hresult', severity: 'failure' });
  });

  it('unwraps HRESULT_FROM_NT (the N bit) to the NTSTATUS', () => {
    const s = decodeStructure(0xd0000022);
    expect(s).toMatchObject({
      hex: '0xd0000022',
      kind: 'hresult',
      severity: 'failure',
      inner: { value: 0xc0000022, kind: 'ntstatus', via: 'HRESULT_FROM_NT' },
    });
    expect(explainStructure(s, ['STATUS_ACCESS_DENIED'])).toContain(
      'HRESULT_FROM_NT wraps NTSTATUS 0xc0000022: STATUS_ACCESS_DENIED.',
    );
  });

  it('unwraps NTSTATUS_FROM_WIN32 (0xc007xxxx)', () => {
    expect(decodeStructure(0xc0070005)).toMatchObject({
      kind: 'ntstatus',
      facilityName: 'NTWIN32',
      inner: { value: 5, kind: 'win32', via: 'NTSTATUS_FROM_WIN32' },
    });
  });

  it('points 0xc0048xxx at the CloudAP codes', () => {
    const s = decodeStructure(0xc0048001);
    expect(s.kind).toBe('ntstatus');
    expect(explainStructure(s).join(' ')).toMatch(/AAD_CLOUDAP_E_ codes .* 0xc0048xxx/);
  });
});

describe('structure: ADAL and Win32', () => {
  it('reads 0xcaa8xxxx as ADAL carrying a WinINet/WinHTTP error in the low 16 bits', () => {
    const s = decodeStructure(0xcaa82ee2);
    expect(s).toMatchObject({
      kind: 'hresult',
      facilityName: 'ADAL',
      adalGroup: 0xcaa8,
      code: 12002,
      inner: { value: 12002, kind: 'win32', via: 'ADAL' },
    });
    const text = explainStructure(s, ['ERROR_INTERNET_TIMEOUT']).join(' ');
    expect(text).toContain('group 0xcaa8');
    expect(text).toContain('0x2ee2 = 12002, are a WinINet/WinHTTP error: ERROR_INTERNET_TIMEOUT.');
  });

  it('knows the four ADAL groups and only 0xcaa8 carries an inner code', () => {
    for (const v of [0xcaa1002d, 0xcaa20003, 0xcaa90017]) {
      const s = decodeStructure(v);
      expect(s.facilityName).toBe('ADAL');
      expect(s.inner).toBeUndefined();
      expect(adalGroupDescription(v)).toBeDefined();
    }
    expect(isAdal(0xcaa50021)).toBe(true);
    expect(adalGroupDescription(0xcaa50021)).toBeUndefined();
    expect(isAdal(0xc0000022)).toBe(false);
  });

  it('reads small values as Win32 errors and gives their HRESULT and ADAL forms', () => {
    const s = decodeStructure(12002);
    expect(s).toMatchObject({ kind: 'win32', code: 12002, hex: '0x2ee2' });
    const text = explainStructure(s).join(' ');
    expect(text).toContain('0x80072ee2 (HRESULT_FROM_WIN32)');
    expect(text).toContain('ADAL reports it as 0xcaa82ee2');
    expect(explainStructure(decodeStructure(0)).join(' ')).toMatch(/success/);
  });

  it('takes signed input as well as unsigned', () => {
    expect(decodeStructure(-2145647630)).toEqual(decodeStructure(0x801c03f2));
  });
});
