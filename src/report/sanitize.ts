// What the input says reaches people only as text: control characters in values from a capture or an
// event log (OSC 52 writes the clipboard, CSI 2J clears the screen, OSC 8 makes hidden links, BEL,
// backspace and carriage return rewrite what was printed) are shown as visible symbols instead, in
// every human format. Our own colour codes are added after this, so they stay.

// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides and isolates
// that reorder what a reader sees (the "Trojan Source" characters).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  // U+2400..U+241F are the control pictures of C0 (␛ for ESC, ␇ for BEL, ␈ for backspace, ␍ for
  // CR), U+2421 is DEL's; others are written as <U+009B>.
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** The text with every control character of the input replaced by a visible symbol. */
export function cleanText(text: string): string {
  return text.replace(CONTROL, visible);
}

/** Whether a text holds a character cleanText would replace. */
export function hasControl(text: string): boolean {
  CONTROL.lastIndex = 0;
  const found = CONTROL.test(text);
  CONTROL.lastIndex = 0;
  return found;
}

/** A copy of a value (a diagnosis, a list of inputs) with every string in it cleaned. */
export function cleanDeep<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (Array.isArray(value)) return value.map((v) => cleanDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = cleanDeep(v);
    return out as T;
  }
  return value;
}
