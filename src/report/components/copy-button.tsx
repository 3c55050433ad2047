// A small button that copies a text (a code, a finding) and says so for a moment. Only in the page:
// the HTML report has no script, so there it draws nothing.
import { useEffect, useState } from 'preact/hooks';
import { usePage } from './context.js';

export function CopyButton({ text, label }: { text: string; label: string }) {
  const page = usePage();
  const [state, setState] = useState<'' | 'copied' | 'failed'>('');
  useEffect(() => {
    if (!state) return;
    const t = setTimeout(() => setState(''), 1500);
    return () => clearTimeout(t);
  }, [state]);
  if (!page) return null;
  const copy = async () => {
    try {
      await page.copy(text);
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
