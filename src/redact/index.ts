// Redaction for reports people share: stable pseudonyms for every identifier (see redactor.ts).
import type { EventRecord } from '../events/types.js';
import { createRedactor, type RedactOptions } from './redactor.js';

export { createRedactor, type IdentifierKind, type RedactOptions, type Redactor } from './redactor.js';

/** Redacts one raw text (a `dsregcmd /status` capture or an event export) on its own. */
export function redactText(
  text: string,
  options: RedactOptions = {},
  records?: Iterable<EventRecord>,
): string {
  const r = createRedactor(options);
  r.learn(text);
  if (records) r.learnEvents(records);
  return r.text(text, isXml(text) ? 'xml' : 'text');
}

/** Whether a text is an XML document (an event export), whose pseudonyms must be escaped. */
export function isXml(text: string): boolean {
  return /^[\s\ufeff]*</.test(text.slice(0, 4096)) && /<\/?[A-Za-z][\w:.-]*[\s>/]/.test(text.slice(0, 4096));
}
