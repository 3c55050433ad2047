// Sentences from the core carry URLs and `commands`: show them as links and code. Only the official
// documentation URLs are links (the rule of the HTML report, src/report/links.ts); a URL that came
// from the input is shown as text.
import { useEffect, useState } from 'preact/hooks';
import { isDocsUrl } from '../../src/report/links.js';
import { stepParts } from '../../src/report/steps.js';
import { copyText } from './report.js';

const PIECES = /(https?:\/\/[^\s)]+[^\s).,;:]|`[^`]+`)/g;

export function RichText({ text }: { text: string }) {
  const parts = text.split(PIECES);
  return (
    <>
      {parts.map((p, i) => {
        // split() with one capture group puts the matches at the odd indexes.
        if (i % 2 === 0) return p;
        if (p.startsWith('`')) return <code key={i}>{p.slice(1, -1)}</code>;
        if (!isDocsUrl(p))
          return (
            <span key={i} class="url">
              {p}
            </span>
          );
        return (
          <a key={i} href={p} target="_blank" rel="noopener noreferrer">
            {p}
          </a>
        );
      })}
    </>
  );
}

/** "What to do": the steps of a fix, each with links and commands marked up. */
export function FixSteps({ steps }: { steps: readonly string[] }) {
  return (
    <>
      <h4>What to do</h4>
      <ul>
        {steps.map((step) => {
          const { text, subs } = stepParts(step);
          return (
            <li key={step}>
              <RichText text={text} />
              {subs.length > 0 && (
                <ul>
                  {subs.map((sub) => (
                    <li key={sub}>
                      <RichText text={sub} />
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}

/** A small button that copies a text (a code, a finding) and says so for a moment. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'' | 'copied' | 'failed'>('');
  useEffect(() => {
    if (!state) return;
    const t = setTimeout(() => setState(''), 1500);
    return () => clearTimeout(t);
  }, [state]);
  const copy = async () => {
    try {
      await copyText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <button type="button" class="copy-button" aria-label={label} title={label} onClick={() => void copy()}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Not copied' : 'Copy'}
    </button>
  );
}
