// What to read or collect next when the inputs cannot settle the cause: the guide's advice on the
// logs of each stage, as the diagnosis prints it. Data: diagnose.ts decides when each applies.
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
