// KeyProvider and TpmProtected: where the device keys are stored.
import { DOCS } from '../kb/docs.js';
import { defineRule } from './rule.js';
import { cite } from './util.js';

export const softwareKeys = defineRule({
  id: 'software-key-storage',
  description: 'The device keys live in software rather than in a TPM.',
  step: 'dsregcmd Device Details',
  phase: null,
  docs: [DOCS.dsregcmdDeviceDetails],
  findings: {
    'software-key-storage': { severity: 'info', title: 'Device keys are stored in software, not in a TPM' },
  },
  check({ r, facts }, report) {
    if (facts.azureAdJoined !== true) return;
    const provider = r.field('KeyProvider');
    const tpm = r.field('TpmProtected');
    if (!(provider && /software/i.test(provider.value)) && r.flag('TpmProtected') !== false) return;
    report('software-key-storage', {
      evidence: cite(r, provider, tpm),
      cause:
        'The device key is not protected by a TPM (no usable TPM, a virtual machine without vTPM, or Windows fell back after TPM errors). Registration works, but the keys are easier to extract and some policies require a TPM-bound key.',
      fix: [
        'Nothing to fix for the join. Where a hardware-bound key matters, enable a TPM (or vTPM) and re-register.',
      ],
      docs: [DOCS.dsregcmdDeviceDetails],
    });
  },
});
