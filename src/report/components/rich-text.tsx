// Sentences from the core carry URLs and `commands`: shown as links and code. Only the official
// documentation URLs are links (src/report/links.ts); a URL that came from the input (a server
// message, an event value) is shown as text, never as a link. Redaction pseudonyms (`<tenant-1>`)
// are kept whole on one line and set apart.
import type { ComponentChildren } from 'preact';
import { docsLabel, isDocsUrl } from '../links.js';
import { stepParts } from '../steps.js';
import { usePage } from './context.js';

const PIECES = /(`[^`\n]+`|https?:\/\/[^\s<>"`]*[^\s<>"`.,;:)\]])/;
const PSEUDONYM = /(<[a-z-]+-\d+>)/;

/** Text with redaction pseudonyms set apart. */
export function Text({ text }: { text: string }) {
  if (!text.includes('<')) return <>{text}</>;
  return (
    <>
      {text.split(PSEUDONYM).map((p, i) =>
        i % 2 === 1 ? (
          <span key={i} class="ps">
            {p}
          </span>
        ) : (
          p
        ),
      )}
    </>
  );
}

/** A link to official documentation (in the page, opened in a new tab); any other URL as text. */
export function DocLink({ url, children }: { url: string; children?: ComponentChildren }) {
  const page = usePage();
  if (!isDocsUrl(url)) return <span class="url">{url}</span>;
  const label = children ?? url;
  return page ? (
    <a href={url} target="_blank" rel="noopener noreferrer">
      {label}
    </a>
  ) : (
    <a href={url}>{label}</a>
  );
}

/** A documentation link labelled by its site and section ("Microsoft Learn: join phase"). */
export function DocsItem({ url }: { url: string }) {
  return <DocLink url={url}>{isDocsUrl(url) ? docsLabel(url) : url}</DocLink>;
}

/** Prose with `code spans` and URLs marked up. */
export function RichText({ text }: { text: string }) {
  return (
    <>
      {text.split(PIECES).map((p, i) => {
        // split() with one capture group puts the matches at the odd indexes.
        if (i % 2 === 0) return p ? <Text key={i} text={p} /> : null;
        if (p.startsWith('`'))
          return (
            <code key={i}>
              <Text text={p.slice(1, -1)} />
            </code>
          );
        return <DocLink key={i} url={p} />;
      })}
    </>
  );
}

/** One step of a fix or of the next steps, with its sub-steps nested under it. */
export function StepItem({ step }: { step: string }) {
  const { text, subs } = stepParts(step);
  return (
    <li>
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
}
