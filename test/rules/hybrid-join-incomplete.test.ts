import { DJ, event, HYBRID, testRule, UDR } from './tester.js';

testRule('hybrid-join-incomplete', {
  invalid: [
    { name: 'domain joined, no Diagnostic Data', text: DJ, findings: ['hybrid-join-incomplete'] },
    {
      name: 'domain joined, every test passed',
      text: `${DJ}AD Connectivity Test : PASS\nToken acquisition Test : PASS\n`,
      findings: ['hybrid-join-incomplete'],
    },
  ],
  valid: [
    { name: 'hybrid', text: HYBRID },
    { name: 'a recorded failure', text: `${DJ}Error Phase : discover\nClient ErrorCode : 0x801c001d\n` },
    { name: 'a failed test', text: `${DJ}DRS Discovery Test : FAIL [0x801c0021]\n` },
    {
      name: 'the event log tells of a failed join',
      text: DJ,
      events: [event(UDR, 304, '2024-01-01T10:00:00.000Z', { ExitCode: '-2145647630' })],
    },
  ],
});
