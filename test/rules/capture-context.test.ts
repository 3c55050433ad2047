import { DJ, sample, testRule } from './tester.js';

testRule('capture-context', {
  invalid: [
    {
      name: 'un-elevated',
      text: `${DJ}User Context : UN-ELEVATED User\n`,
      findings: ['capture-not-elevated'],
    },
    {
      name: 'the guide example of a discovery failure (public sample 009)',
      text: sample('009-doc-discover-fail-0x801c0021-0x80072ee2-unelevated.txt'),
      findings: ['capture-not-elevated'],
    },
    {
      name: 'elevated, not SYSTEM',
      text: `${DJ}User Context : ELEVATED User\n`,
      findings: ['capture-not-system'],
    },
  ],
  valid: [
    { name: 'SYSTEM', text: `${DJ}User Context : SYSTEM\n` },
    { name: 'no User Context', text: DJ },
  ],
});
