// Masks: while the passes of one text run, each replacement stands in the text as U+E000, the
// label's index in private-use characters U+E100..U+E1FF (base 256), then U+E001. No pattern matches
// these characters unless it asks for MASK, so no pass ever rewrites another pass's pseudonym.
export const MASK = '\\uE000[\\uE100-\\uE1FF]+\\uE001';
export const NOT_MASK = '\\uE000-\\uE1FF';
const MASK_RE = /\uE000([\uE100-\uE1FF]+)\uE001/g;

function encodeIndex(i: number): string {
  let s = '';
  do {
    s = String.fromCharCode(0xe100 + (i % 256)) + s;
    i = Math.floor(i / 256);
  } while (i > 0);
  return s;
}

function decodeIndex(s: string): number {
  let n = 0;
  for (const ch of s) n = n * 256 + (ch.charCodeAt(0) - 0xe100);
  return n;
}

export class Masks {
  private readonly labels: string[] = [];

  /** The mask that stands for a label until `unmask`. */
  mask(label: string): string {
    this.labels.push(label);
    return `\uE000${encodeIndex(this.labels.length - 1)}\uE001`;
  }

  /** The text with every mask replaced by its label (escaped for XML with `xml`). */
  unmask(text: string, xml: boolean): string {
    return text.replace(MASK_RE, (_m, idx: string) => {
      const label = this.labels[decodeIndex(idx)] ?? '<redacted>';
      return xml ? escapeXml(label) : label;
    });
  }
}

export const isMasked = (v: string) => v.includes('\uE000');

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
