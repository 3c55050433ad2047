// Every rule, in the order of the guide. Adding a check = one file + one line here + its tests.
import {
  aadRecovery,
  captureContext,
  deviceAuthStatus,
  deviceCertificate,
  keySignTest,
  softwareKeys,
  syncJoinFallback,
  wpadFailure,
} from './device-health.js';
import {
  eventJoinFailure,
  eventJoinRecovered,
  eventPrtFailure,
  eventWhfbPrerequisites,
} from './event-log.js';
import { joinFailure } from './join-failure.js';
import { joinIncomplete } from './join-incomplete.js';
import { joinState } from './join-state.js';
import { enterprisePrt, prtAttemptFailed, prtFreshness, prtMissing } from './prt.js';
import type { Rule } from './rule.js';

export const RULES: readonly Rule[] = [
  joinState,
  captureContext,
  joinFailure,
  joinIncomplete,
  syncJoinFallback,
  deviceAuthStatus,
  keySignTest,
  aadRecovery,
  deviceCertificate,
  prtAttemptFailed,
  prtMissing,
  prtFreshness,
  enterprisePrt,
  eventJoinFailure,
  eventJoinRecovered,
  eventPrtFailure,
  eventWhfbPrerequisites,
  softwareKeys,
  wpadFailure,
];

export type { Rule, RuleContext } from './rule.js';
