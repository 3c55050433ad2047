// The join flow as a picture: precheck, discover, auth, join, then the PRT after the join. The
// failing phase is marked; the phases before it passed, the ones after it were not reached. The same
// in the page and the HTML report.
import type { Diagnosis, Phase } from '../../types.js';

const STEPS: { phase: Phase; label: string; what: string }[] = [
  { phase: 'precheck', label: 'Precheck', what: 'a domain controller in reach' },
  { phase: 'discover', label: 'Discover', what: 'SCP and the registration service' },
  { phase: 'auth', label: 'Auth', what: 'a token for registration (federated)' },
  { phase: 'join', label: 'Join', what: 'the device registered' },
  { phase: 'post-join', label: 'PRT', what: 'a Primary Refresh Token at sign-in' },
];

export type StepState = 'passed' | 'failed' | 'warning' | 'not-reached' | 'unknown';

const STATE_TEXT: Record<StepState, string> = {
  passed: 'passed',
  failed: 'failed here',
  warning: 'a warning here',
  'not-reached': 'not reached',
  unknown: 'not known',
};

/** Where each phase stands, from the verdict and the failing phase. */
export function stepStates(d: Diagnosis): StepState[] {
  const at = d.phase ? STEPS.findIndex((s) => s.phase === d.phase) : -1;
  if ((d.verdict === 'failed' || d.verdict === 'warning') && at >= 0) {
    const here: StepState = d.verdict === 'failed' ? 'failed' : 'warning';
    return STEPS.map((_, i) => (i < at ? 'passed' : i === at ? here : 'not-reached'));
  }
  const joined = d.joinType === 'hybrid' || d.joinType === 'entra-joined';
  if (d.verdict === 'healthy' && joined) return STEPS.map(() => 'passed');
  return STEPS.map(() => 'unknown');
}

export function Flow({ diagnosis }: { diagnosis: Diagnosis }) {
  const states = stepStates(diagnosis);
  return (
    <ol class="flow" aria-label="The join flow" data-phase={diagnosis.phase ?? ''}>
      {STEPS.map((step, i) => {
        const state = states[i]!;
        return (
          <li key={step.phase} class={`step step-${state}`} data-step={step.phase} data-state={state}>
            <span class="step-icon" aria-hidden="true">
              {state === 'passed' ? '✓' : state === 'failed' ? '✕' : state === 'warning' ? '!' : ''}
            </span>
            <span class="step-label">{step.label}</span>
            <span class="step-what">{step.what}</span>
            <span class="visually-hidden">: {STATE_TEXT[state]}</span>
          </li>
        );
      })}
    </ol>
  );
}
