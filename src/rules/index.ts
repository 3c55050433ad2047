// Every rule, in the order of the guide. Adding a check = one file `src/rules/<rule-id>.ts`, one
// line here, and its tests in `test/rules/<rule-id>.test.ts`.
import { aadRecovery } from './aad-recovery-enabled.js';
import { captureContext } from './capture-context.js';
import { deviceAuthStatus } from './device-auth-status.js';
import { deviceCertificate } from './device-certificate-validity.js';
import { enterprisePrt } from './enterprise-prt-missing.js';
import { eventJoinFailure } from './event-join-failure.js';
import { eventJoinRecovered } from './event-join-recovered.js';
import { eventPrtFailure } from './event-prt-failure.js';
import { hybridJoinIncomplete } from './hybrid-join-incomplete.js';
import { joinFailure } from './join-failure.js';
import { joinState } from './join-state.js';
import { keySignTest } from './key-sign-test.js';
import { prtAttemptFailed } from './prt-attempt-failed.js';
import { prtMissing } from './prt-missing.js';
import { prtNotRefreshed } from './prt-not-refreshed.js';
import type { Rule } from './rule.js';
import { softwareKeys } from './software-key-storage.js';
import { syncJoinFallback } from './sync-join-fallback-disabled.js';
import { whfbPrerequisites } from './whfb-prerequisites.js';
import { wpadFailure } from './wpad-detection-failed.js';

export const RULES: readonly Rule[] = [
  joinState,
  captureContext,
  joinFailure,
  hybridJoinIncomplete,
  syncJoinFallback,
  deviceAuthStatus,
  keySignTest,
  aadRecovery,
  deviceCertificate,
  prtAttemptFailed,
  prtMissing,
  prtNotRefreshed,
  enterprisePrt,
  eventJoinFailure,
  eventJoinRecovered,
  eventPrtFailure,
  whfbPrerequisites,
  softwareKeys,
  wpadFailure,
];

export type { FindingMeta, FindingReport, Report, Rule, RuleContext } from './rule.js';
export { defineRule } from './rule.js';
