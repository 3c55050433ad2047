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

const ANY_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The text with every control character of the input replaced by a visible symbol. */
export function cleanText(text: string): string {
  return ANY_CONTROL.test(text) ? text.replace(CONTROL, visible) : text;
}

/** Whether a text holds a character cleanText would replace. */
export function hasControl(text: string): boolean {
  return ANY_CONTROL.test(text);
}

/**
 * A value (a diagnosis, a list of inputs) with every string in it cleaned. What holds no control
 * character is returned as it is, not copied, so a clean report of 100,000 attempts costs one walk.
 */
export function cleanDeep<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = cleanDeep(value[i]);
      if (v !== value[i]) {
        out ??= value.slice();
        out[i] = v;
      }
    }
    return (out ?? value) as T;
  }
  if (value !== null && typeof value === 'object') {
    let out: Record<string, unknown> | undefined;
    for (const k in value) {
      if (!Object.hasOwn(value, k)) continue;
      const old = (value as Record<string, unknown>)[k];
      const v = cleanDeep(old);
      if (v !== old) {
        out ??= { ...(value as Record<string, unknown>) };
        out[k] = v;
      }
    }
    return (out ?? value) as T;
  }
  return value;
}
