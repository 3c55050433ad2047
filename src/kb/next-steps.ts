// What to read or collect next when the inputs cannot settle the cause: the guide's advice on the
// logs of each stage, as the diagnosis prints it (NEXT_STEPS: diagnose.ts decides when each
// applies), and the advice that several rules give as a fix, written once so that it reads the same
// in every finding (a rule's own cause and fix stay with its declaration in src/rules/).
import type { JoinType } from '../types.js';
import { DOCS } from './docs.js';

export const NEXT_STEPS = {
  /** A join problem and no User Device Registration events among the inputs. */
  readJoinLog:
    'Read the User Device Registration Admin log (Applications and Services Logs > Microsoft > Windows > User Device Registration): events 304 and 305 give the phase and code of each attempt, 307 the discovery failure, 201 the discovery sub-error, 204 the join error, 220 an unreadable computer object.',
  /** The same, when the authentication phase failed. */
  readAuthEvent:
    'For the authentication phase, event 305 carries the ADAL error, sub-error and the server error message.',
  collectJoinLogs: `If the cause is still unclear, collect the logs with Microsoft's auth scripts (start-auth.ps1 -v -accepteula, reproduce, stop-auth.ps1) as the guide describes: ${DOCS.collectJoinLogs}`,
  /** A PRT problem and no Microsoft-Windows-AAD events among the inputs. */
  readAadLogs:
    'Read the Microsoft-Windows-AAD logs (Applications and Services Logs > Microsoft > Windows > AAD; show the Analytic log first): the events between 1006 and 1007 of one attempt, with 1081, 1088 and 1084 for the server, WS-Trust and network errors, 1022 for the URL and 1144 for the UPN used.',
  /** A PRT problem with a network cause, or no answer from the server. */
  networkTrace: `For a network cause, take a trace: \`netsh trace start scenario=internetClient_dbg capture=yes persistent=yes\`, lock and unlock, wait a minute, \`netsh trace stop\`. More in the guide: ${DOCS.collectPrtLogs}`,
  /** A PRT whose age cannot be judged: the capture has no time of its own and none was given. */
  prtAgeUnchecked:
    'The PRT age was not checked: the capture carries no time of its own. Pass --now with the time the capture was taken to apply the four-hour refresh rule.',
} as const;

/** The names of the codes that point at the network (WinINet, WinHTTP, ADAL's internet errors, NTSTATUS network states). */
export const NETWORK_CODE_NAME =
  /^(WININET_|ERROR_WINHTTP_|ERROR_INTERNET_|ERROR_ADAL_INTERNET_|STATUS_(NETWORK|BAD_NETWORK|UNEXPECTED_NETWORK))/;

/**
 * The AAD logs, as the fix of the PRT findings (no PRT, a PRT expired or not refreshed, a failed
 * attempt the inputs cannot explain): where each attempt and its errors are logged.
 */
export const READ_AAD_LOGS =
  'Read the Microsoft-Windows-AAD logs: in the Analytic log, events 1006 and 1007 frame each PRT attempt (1007 holds the final code); the Operational log holds the errors (1081 server error, 1088 WS-Trust error, 1084 network error).';

/** How to register a device again whose object was deleted, per join type (from the device FAQ). */
export function reRegisterSteps(joinType: JoinType): string[] {
  const hybrid =
    'Hybrid joined: run `dsregcmd /debug /leave` from an elevated prompt, then sign out and in; the Automatic-Device-Join task registers the device again (a deleted hybrid device comes back through sync, so check the computer is in sync scope).';
  const joined =
    'Microsoft Entra joined: run `dsregcmd /forcerecovery` as a local administrator and sign in again with a Microsoft Entra account.';
  const registered = 'Microsoft Entra registered: disconnect the work or school account and add it again.';
  if (joinType === 'hybrid') return [hybrid];
  if (joinType === 'entra-joined') return [joined];
  if (joinType === 'entra-registered') return [registered];
  return [hybrid, joined, registered];
}
