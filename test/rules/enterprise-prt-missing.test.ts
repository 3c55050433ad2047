import { HYBRID, testRule } from './tester.js';

testRule('enterprise-prt-missing', {
  invalid: [
    {
      name: 'a known federation service',
      text: `${HYBRID}AzureAdPrt : YES\nEnterprisePrt : NO\nEnterprisePrtAuthority : https://fs.fabrikam.example:443/adfs\n`,
      findings: ['enterprise-prt-missing'],
    },
  ],
  valid: [
    {
      name: 'no federation service',
      text: `${HYBRID}AzureAdPrt : YES\nEnterprisePrt : NO\nEnterprisePrtAuthority :\n`,
    },
  ],
});
