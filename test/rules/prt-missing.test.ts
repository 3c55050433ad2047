import { DJ, HYBRID, sample, testRule } from './tester.js';

testRule('prt-missing', {
  invalid: [
    { name: 'hybrid, no PRT, no attempt', text: `${HYBRID}AzureAdPrt : NO\n`, findings: ['prt-missing'] },
    {
      name: 'an RDP session older than the join (public sample 025)',
      text: sample('025-hybrid-joined-ws2016-old-format-x509certrequired-lab.txt'),
      findings: ['prt-missing'],
    },
    {
      name: 'the computer account',
      text: `${HYBRID}AzureAdPrt : NO\nExecuting Account Name : FABRIKAM\\WS01$, WS01$@fabrikam.example\n`,
      findings: ['prt-not-user-context'],
    },
    {
      name: 'a local account (public sample 005)',
      text: sample('005-entra-joined-local-account-no-prt.txt'),
      findings: ['prt-local-account'],
    },
  ],
  valid: [
    { name: 'a PRT', text: `${HYBRID}AzureAdPrt : YES\n` },
    {
      name: 'registered only',
      text: 'AzureAdJoined : NO\nDomainJoined : NO\nWorkplaceJoined : YES\nAzureAdPrt : NO\n',
    },
    { name: 'the join has not completed', text: `${DJ}AzureAdPrt : NO\n` },
  ],
});
