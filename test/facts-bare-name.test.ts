// The Entra-joined inference for a cut-short Device State needs a bare computer name: an address
// in Device Name (or the pseudonym redaction gives an address) is not one, so redacting a capture
// never changes what is inferred.
import { describe, expect, it } from 'vitest';
import { diagnoseText } from '../src/diagnose.js';

const capture = (name: string) =>
  [
    '    AzureAdJoined: YES',
    `Device Name : ${name}`,
    '           MdmUrl: https://enrollment.manage.microsoft.com/EnrollmentServer/Discovery.svc',
    '',
  ].join('\n');

describe('a bare computer name', () => {
  it('is what the inference reads', () => {
    expect(diagnoseText(capture('DESKTOP-7QX2')).joinType).toBe('entra-joined');
    expect(diagnoseText(capture('<computer-1>')).joinType).toBe('entra-joined');
  });

  it('is never an address, plain or redacted', () => {
    for (const name of ['8.15.1.50', 'fe80::1', '<ip-1>', 'pc1.corp.example']) {
      expect(diagnoseText(capture(name)).joinType, name).toBe('unknown');
    }
  });
});
