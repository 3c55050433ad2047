// KeySignTest: whether the device key can still sign (Diagnostic Data, post-join).
import { DOCS } from '../kb/docs.js';
import { findHexCodes } from '../kb/format.js';
import { defineRule } from './rule.js';
import { cite, codeSet } from './util.js';

export const keySignTest = defineRule({
  id: 'key-sign-test',
  description:
    'KeySignTest: the device key could not sign (keys unusable), or the test was not run (needs elevation).',
  step: 'dsregcmd Diagnostic Data (post-join)',
  phase: 'post-join',
  docs: [DOCS.dsregcmdDiagnostics, DOCS.join],
  findings: {
    'key-sign-test-not-run': {
      severity: 'info',
      title: 'The device key test was not run (the capture was not elevated)',
    },
    'key-sign-test-failed': { severity: 'error', title: 'The device key failed the signing test' },
  },
  check({ r, names }, report) {
    const f = r.field('KeySignTest');
    if (!f) return;
    if (/elevat/i.test(f.value)) {
      report('key-sign-test-not-run', {
        evidence: cite(r, f),
        cause:
          'KeySignTest only runs from an elevated prompt; this capture says nothing about the health of the device keys.',
        fix: ['To check the device keys, run `dsregcmd /status` from an elevated prompt.'],
        docs: [DOCS.dsregcmdDiagnostics],
      });
      return;
    }
    if (/^PASS/i.test(f.value)) return;
    report('key-sign-test-failed', {
      codes: codeSet(findHexCodes(f.value), names).refs,
      evidence: cite(r, f, 'KeyProvider', 'TpmProtected'),
      cause:
        'The private key of the device could not sign a test message: the key is missing or unusable (the TPM may have been cleared or reset). Windows usually marks such a device for recovery.',
      fix: [
        'Let Windows recover the registration at the next sign-in (see AadRecoveryEnabled), or re-register the device as its join type requires.',
        'Avoid clearing the TPM on joined devices.',
      ],
      docs: [DOCS.dsregcmdDiagnostics, DOCS.join],
    });
  },
});
