import { expect } from 'vitest';
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
    {
      name: 'a domain account with a PRT (SSO State and Diagnostic Data only): hybrid',
      text: 'AzureAdPrt : YES\nExecuting Account Name : FABRIKAM\\jdoe, jdoe@fabrikam.example\n',
      findings: ['join-type-inferred'],
      expect: (d) => {
        expect(d.joinType).toBe('hybrid');
        const note = d.findings.find((f) => f.id === 'join-type-inferred')!;
        expect(note.cause).toMatch(/FABRIKAM\\jdoe is a domain account/);
        expect(note.evidence.map((e) => e.line)).toEqual([1, 2]);
      },
    },
    {
      name: 'a domain account whose PRT attempt failed: hybrid',
      text: 'AzureAdPrt : NO\nAttempt Status : 0xc000006d\nExecuting Account Name : CORP\\user1, user1@corp.example\n',
      findings: ['join-type-inferred'],
      expect: (d) => expect(d.joinType).toBe('hybrid'),
    },
    {
      name: 'AzureAdJoined YES, a bare device name and MDM URLs, no DomainJoined: Entra joined',
      text: 'AzureAdJoined : YES\nDevice Name : Win10-Client\nMdmUrl : https://enrollment.manage.microsoft.com/enrollmentserver/discovery.svc\n',
      findings: ['join-type-inferred'],
      expect: (d) => {
        expect(d.joinType).toBe('entra-joined');
        const note = d.findings.find((f) => f.id === 'join-type-inferred')!;
        expect(note.title).toMatch(/incomplete/);
        expect(note.cause).toMatch(/Device Name Win10-Client is a bare computer name/);
      },
    },
  ],
  valid: [
    { name: 'hybrid', text: HYBRID },
    { name: 'Entra joined', text: AADJ },
    // Nothing certain: a local account cannot hold a PRT, and a DNS name may be a domain member's.
    {
      name: 'a local account with a PRT line',
      text: 'AzureAdPrt : NO\nExecuting Account Name : AADJOIN02\\PCUser\n',
    },
    {
      name: 'AzureAdJoined YES with a DNS device name',
      text: 'AzureAdJoined : YES\nDevice Name : pc.corp.example\nMdmUrl : https://enrollment.manage.microsoft.com/x\n',
    },
    {
      name: 'a healthy hybrid device (public sample 031)',
      text: sample('031-hybrid-joined-powershell-psobject-format-list.txt'),
    },
  ],
});
