// Failed join attempts in the User Device Registration log, followed by a successful one.
import { DOCS } from '../kb/docs.js';
import { cite } from '../story/attempts.js';
import { defineRule } from './rule.js';

export const eventJoinRecovered = defineRule({
  id: 'event-join-recovered',
  description: 'Failed join attempts followed by a successful one (event 306): a note, not an error.',
  step: 'Troubleshoot join failures, step 3',
  phase: null,
  docs: [DOCS.findPhase],
  findings: {
    'event-join-recovered': { severity: 'info', title: 'None' },
  },
  check({ facts }, report) {
    const attempts = facts.joinAttempts;
    const last = attempts[attempts.length - 1];
    const failures = attempts.filter((a) => a.outcome === 'failure');
    if (last?.outcome !== 'success' || failures.length === 0) return;
    report('event-join-recovered', {
      title: `The join succeeded after ${failures.length} failed attempt${failures.length === 1 ? '' : 's'}`,
      evidence: [cite(failures[failures.length - 1]!.records[0]!), cite(last.records[0]!)],
      cause: `The event log shows failures (the last at ${failures[failures.length - 1]!.time}) and then a successful registration at ${last.time}; the earlier failures no longer matter unless they come back.`,
      fix: ['Nothing to fix now.'],
      docs: [DOCS.findPhase],
    });
  },
});
