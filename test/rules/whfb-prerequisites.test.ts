import { expect } from 'vitest';
import { event, testRule, UDR } from './tester.js';

testRule('whfb-prerequisites', {
  invalid: [
    {
      name: 'a localized 360',
      events: [
        event(UDR, 360, '2024-01-01T10:00:00.000Z', {
          Message: 'İş İçin Windows Hello sağlaması başlatılmayacak.',
          DeviceIsJoined: 'Yes',
          AADPrt: 'No',
          NgcPolicyEnabled: 'Yes',
          UserIsRemote: 'Yes',
        }),
      ],
      findings: ['whfb-prerequisites'],
      expect: (d) =>
        expect(d.findings.find((f) => f.id === 'whfb-prerequisites')!.cause).toMatch(/AADPrt, UserIsRemote/),
    },
  ],
  valid: [
    { name: 'another User Device Registration event', events: [event(UDR, 358, '2024-01-01T10:00:00.000Z')] },
  ],
});
