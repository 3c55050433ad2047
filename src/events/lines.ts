// Line numbers for positions in a text export, for warnings that name where the damage is.

/**
 * Line number (1-based) of a character index. Linear over a whole file when the indexes asked for
 * mostly increase: the position of the next line break is kept, never searched for twice.
 */
export function lineCounter(s: string): (index: number) => number {
  let last = 0;
  let line = 1;
  let nl = s.indexOf('\n');
  return (index) => {
    if (index < last) {
      line = 1;
      nl = s.indexOf('\n');
    }
    last = index;
    while (nl !== -1 && nl < index) {
      line++;
      nl = s.indexOf('\n', nl + 1);
    }
    return line;
  };
}
