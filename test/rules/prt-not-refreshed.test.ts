import { HYBRID, testRule } from './tester.js';

const UPDATED = `${HYBRID}AzureAdPrt : YES\nAzureAdPrtUpdateTime : 2024-05-01 04:00:00.000 UTC\n`;

testRule('prt-not-refreshed', {
  invalid: [
    { name: 'five hours old', text: UPDATED, now: '2024-05-01T09:00:00Z', findings: ['prt-not-refreshed'] },
    {
      name: 'expired',
      text: `${UPDATED}AzureAdPrtExpiryTime : 2024-05-15 04:00:00.000 UTC\n`,
      now: '2024-06-01T00:00:00Z',
      findings: ['prt-expired'],
    },
  ],
  valid: [
    { name: 'within four hours', text: UPDATED, now: '2024-05-01T07:59:00Z' },
    { name: 'no capture time', text: UPDATED },
  ],
});
