// The pre-join tests that `dsregcmd /status` prints in its Diagnostic Data (Windows 10 1803 and
// later): the phase a failure of each belongs to, what the failure means and what fixes it, from
// the guide's troubleshooting of join failures. Data: the join-failure rule reads it.
import type { Phase } from '../types.js';

export interface PreJoinTest {
  /** The key as dsregcmd prints it. */
  key: string;
  phase: Phase | null;
  meaning: string;
  fix: string[];
}

/** What a precheck failure without a code the guide names means: no domain controller was found. */
export const DC_LINE_OF_SIGHT_CAUSE =
  'The device had no line of sight to a domain controller when it tried to join.';

/** The fix for a join that found no domain controller (the precheck phase). */
export const DC_LINE_OF_SIGHT_FIX =
  'Put the device on the corporate network, or on a VPN with line of sight to a domain controller, and let the join run again.';

/** The pre-join tests, the phase a failure of each belongs to, and what a failure says. */
export const PRE_JOIN_TESTS: readonly PreJoinTest[] = [
  {
    key: 'AD Connectivity Test',
    phase: 'precheck',
    meaning: 'The device could not reach a domain controller.',
    fix: [DC_LINE_OF_SIGHT_FIX],
  },
  {
    key: 'AD Configuration Test',
    phase: 'discover',
    meaning:
      'The service connection point (SCP) could not be read from Active Directory, or it names no valid tenant.',
    fix: [
      'Check the SCP in the configuration partition of the forest (keywords azureADId and azureADName), or the CDJ\\AAD registry values where the SCP is deployed by policy.',
    ],
  },
  {
    key: 'DRS Discovery Test',
    phase: 'discover',
    meaning:
      'The device could not fetch the discovery metadata of the registration service, or could not do realm discovery.',
    fix: [],
  },
  {
    key: 'DRS Connectivity Test',
    phase: 'discover',
    meaning: 'The device could not connect to the device registration service.',
    fix: [
      'From the device, as SYSTEM, confirm that https://enterpriseregistration.windows.net answers; configure the proxy for the computer account if one is needed.',
    ],
  },
  {
    key: 'Token acquisition Test',
    phase: 'auth',
    meaning:
      'The device could not get a token for the registration service from the federation service (federated domains only).',
    fix: [
      'Check that the federation service publishes WS-Trust windowstransport endpoints and issues the claims that hybrid join needs for computers.',
    ],
  },
  {
    key: 'Kerberos Ticket Test',
    phase: null,
    meaning: 'The device could not get the Kerberos ticket that the newest Windows builds test for.',
    fix: ['Check that the device can reach a domain controller and that its computer account is healthy.'],
  },
];
