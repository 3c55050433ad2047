// The text and attribute values of an XML event export, for redaction: element and attribute
// names are no one's and pass as they are.
import { eventFieldKind } from './kinds.js';

const START_TAG = /^<([A-Za-z_][\w:.-]*)([^>]*?)\/?>$/;
const ATTRIBUTE = /(\s([\w:.-]+)\s*=\s*)(['"])([^'"<>]*)\3/g;

/**
 * Maps the text and the attribute values of an XML document (a `Name` attribute, which names a field,
 * stays), telling `f` which identifier field a text is the content of. Element and attribute names,
 * comments and declarations pass as they are. A scan, not a pattern: linear on any input.
 */
export function mapXml(input: string, f: (text: string, field?: string) => string): string {
  const out: string[] = [];
  let field: string | undefined;
  let i = 0;
  while (i < input.length) {
    const lt = input.indexOf('<', i);
    if (lt < 0) {
      out.push(f(input.slice(i), field));
      break;
    }
    if (lt > i) out.push(f(input.slice(i, lt), field));
    const gt = input.indexOf('>', lt);
    if (gt < 0) {
      out.push(f(input.slice(lt)));
      break;
    }
    const tag = input.slice(lt, gt + 1);
    const m = tag.length < 4096 ? START_TAG.exec(tag) : null;
    field = undefined;
    if (m) {
      out.push(
        tag.replace(ATTRIBUTE, (a, pre: string, attr: string, q: string, v: string) =>
          attr === 'Name' || v === '' ? a : `${pre}${q}${f(v)}${q}`,
        ),
      );
      const element = m[1]!;
      const named = element === 'Data' ? /\sName=['"]([^'"]{1,100})['"]/.exec(m[2]!)?.[1] : undefined;
      if (!tag.endsWith('/>')) {
        if (element === 'Computer') field = 'computer';
        else if (named !== undefined) field = eventFieldKind(named) ? named : undefined;
        else if (element !== 'Data' && eventFieldKind(element)) field = element;
      }
    } else out.push(tag);
    i = gt + 1;
  }
  return out.join('');
}
