// Regular expressions that name letters and digits the Unicode way (\p{L}, \p{N}), each in two
// forms: as written, and with those two sets cut to ASCII (A-Za-z, 0-9). V8 builds a Unicode set
// from ICU tables each time it meets one, when the expression is made and again when it is first
// run; in `redact` of a small capture that was a fifth of all its work. Most captures and exports
// are ASCII, and on a text with no character outside ASCII but the masks' (U+E000-U+E1FF, private
// use: neither letter nor number) the two forms match the same: each character of it is in \p{L}
// exactly when it is in A-Za-z, and in \p{N} exactly when it is in 0-9 (case folding included, for
// no letter outside ASCII folds to one inside it but the Kelvin sign and the long s, which such a
// text does not hold). Each form is made on its first use.

/** A character of neither form's ASCII: outside ASCII and not a mask's. */
const OUTSIDE = /[^\x00-\x7f\uE000-\uE1FF]/;

/** Whether the ASCII form of a Letters matches in `text` as the Unicode form does. */
export const asciiOnly = (text: string): boolean => !OUTSIDE.test(text);

/** An expression in its two forms: `of(text)` is the one for that text, `form(asciiOnly(text))` the same. */
export interface Letters {
  of(text: string): RegExp;
  form(ascii: boolean): RegExp;
}

/**
 * The two forms of `source` (with `flags`), each made on its first use. Every \p{L} and \p{N} of
 * it must be inside a character class, where the ASCII ranges can take their place; with another
 * \p, or with one outside a class, its ASCII form throws.
 */
export function letters(source: string, flags: string): Letters {
  let unicodeForm: RegExp | undefined;
  let asciiForm: RegExp | undefined;
  const form = (asciiText: boolean): RegExp => {
    if (asciiText) {
      // Written on first use: the learned values' expression is made again as values are learned.
      asciiForm ??= new RegExp(asciiSource(source), flags);
      return asciiForm;
    }
    unicodeForm ??= new RegExp(source, flags);
    return unicodeForm;
  };
  return { of: (text) => form(asciiOnly(text)), form };
}

/** `source` with each \p{L} and \p{N} in a character class written as A-Za-z and 0-9. */
function asciiSource(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const set = source.slice(i, i + 5);
      if (set.startsWith('\\p{') || set.startsWith('\\P{')) {
        if (!inClass || (set !== '\\p{L}' && set !== '\\p{N}'))
          throw new Error(`letters: ${set} in ${source} has no ASCII form`);
        out += set === '\\p{L}' ? 'A-Za-z' : '0-9';
        i += 4;
        continue;
      }
      out += source.slice(i, i + 2);
      i++;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}
