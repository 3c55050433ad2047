// Sentences from the core carry URLs and `commands`: shown as links and code by the report's own
// component (src/report/components/rich-text.tsx: only official documentation URLs are links).
import { StepItem } from '../../src/report/components/rich-text.js';

export { RichText } from '../../src/report/components/rich-text.js';

/** "What to do" of a code looked up: the steps, each with links and commands marked up. */
export function FixSteps({ steps }: { steps: readonly string[] }) {
  return (
    <>
      <h4>What to do</h4>
      <ul>
        {steps.map((step) => (
          <StepItem key={step} step={step} />
        ))}
      </ul>
    </>
  );
}
