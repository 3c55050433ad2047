import { expect } from 'vitest';
import { event, testRule, UDR } from './tester.js';

testRule('event-join-recovered', {
  invalid: [
    {
      name: 'two failures, then 306',
      events: [
        event(UDR, 220, '2024-01-01T09:00:00.000Z', { Format: '5', ErrorCode: '1317' }),
        event(UDR, 304, '2024-01-01T09:00:01.000Z', { ExitCode: '-2145648611' }),
        event(UDR, 307, '2024-01-01T10:00:00.000Z', { ExitCode: '-2145648611' }),
        event(UDR, 306, '2024-01-01T11:00:00.000Z'),
      ],
      findings: ['event-join-recovered'],
      expect: (d) => {
        expect(d.verdict).toBe('healthy');
        expect(d.joinType).toBe('hybrid');
        expect(d.findings.find((f) => f.id === 'event-join-recovered')!.title).toMatch(
          /after 2 failed attempts/,
        );
      },
    },
  ],
  valid: [
    { name: 'a success alone', events: [event(UDR, 306, '2024-01-01T11:00:00.000Z')] },
    {
      name: 'a failure last',
      events: [event(UDR, 306, '2024-01-01T09:00:00.000Z'), event(UDR, 304, '2024-01-01T10:00:00.000Z')],
    },
  ],
});
