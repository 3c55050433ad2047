import { AADJ, HYBRID, sample, testRule } from './tester.js';

testRule('join-state', {
  invalid: [
    {
      name: 'nothing joined',
      text: 'AzureAdJoined : NO\nDomainJoined : NO\nWorkplaceJoined : NO\n',
      findings: ['not-domain-joined'],
    },
    {
      name: 'a workgroup VM (public sample 020, one line with <br/>)',
      text: sample('020-workgroup-azure-vm-ama-troubleshooter-html-br.txt'),
      findings: ['not-domain-joined'],
    },
    {
      name: 'only WorkplaceJoined',
      text: 'AzureAdJoined : NO\nDomainJoined : NO\nWorkplaceJoined : YES\n',
      findings: ['entra-registered'],
    },
    {
      name: 'a personal PC with a work account (public sample 023)',
      text: sample('023-entra-registered-personal-pc-italian-ps-banner-work-account.txt'),
      findings: ['entra-registered'],
    },
    {
      name: 'hybrid and registered',
      text: 'AzureAdJoined : YES\nDomainJoined : YES\nWorkplaceJoined : YES\n',
      findings: ['dual-state'],
    },
    {
      name: 'EnterpriseJoined with AzureAdJoined',
      text: `${HYBRID}EnterpriseJoined : YES\n`,
      findings: ['enterprise-and-entra-joined'],
    },
    { name: 'a PRT line alone', text: 'AzureAdPrt : YES\n', findings: ['join-type-inferred'] },
  ],
  valid: [
    { name: 'hybrid', text: HYBRID },
    { name: 'Entra joined', text: AADJ },
    {
      name: 'a healthy hybrid device (public sample 031)',
      text: sample('031-hybrid-joined-powershell-psobject-format-list.txt'),
    },
  ],
});
