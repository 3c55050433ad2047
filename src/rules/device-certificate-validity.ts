// DeviceCertificateValidity: the device certificate against the capture's own time (never the
// wall clock).
import { parseDsregTime } from '../facts.js';
import { DOCS } from '../kb/docs.js';
import { reRegisterSteps } from '../kb/next-steps.js';
import { defineRule } from './rule.js';
import { cite } from './util.js';

export const deviceCertificate = defineRule({
  id: 'device-certificate-validity',
  description:
    'DeviceCertificateValidity: a device certificate that has expired or is not yet valid at the capture time.',
  step: 'dsregcmd Device Details',
  phase: 'post-join',
  docs: [DOCS.dsregcmdDeviceDetails],
  findings: {
    'device-certificate-expired': { severity: 'error', title: 'The device certificate has expired' },
    'device-certificate-not-yet-valid': {
      severity: 'warning',
      title: 'The device certificate is not valid yet at the capture time',
    },
  },
  check({ r, facts }, report) {
    const f = r.field('DeviceCertificateValidity');
    if (!f || !facts.referenceTime) return;
    const m = /\[\s*(.+?)\s+--\s+(.+?)\s*\]/.exec(f.value);
    const from = parseDsregTime(m?.[1]);
    const to = parseDsregTime(m?.[2]);
    const now = facts.referenceTime.ms;
    if (to !== undefined && to < now) {
      report('device-certificate-expired', {
        evidence: cite(r, f, facts.referenceTime.field),
        cause:
          'The certificate that proves the device identity to Microsoft Entra ID is past its end date, so device authentication fails.',
        fix: ['Register the device again:', ...reRegisterSteps(facts.joinType)],
        docs: [DOCS.dsregcmdDeviceDetails],
      });
      return;
    }
    if (from !== undefined && from > now + 5 * 60000) {
      report('device-certificate-not-yet-valid', {
        evidence: cite(r, f, facts.referenceTime.field),
        cause:
          "The certificate's start date lies after the capture time: the device clock (or the time given with --now) is behind.",
        fix: ['Check the device clock and its time source.'],
        docs: [DOCS.dsregcmdDeviceDetails],
      });
      return;
    }
  },
});
