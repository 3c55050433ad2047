// LDIF (RFC 2849) as ldapsearch and ldifde write it: entries separated by blank lines, lines folded
// by a leading space, `attr: value`, `attr:: base64` for binary or non-ASCII values, `#` comments,
// attribute options (`userCertificate;binary`). Values are kept as text or as bytes (certificates
// as their base64 text, decoded only when read).

export interface LdifEntry {
  line: number;
  dn: string;
  attrs: Map<string, (string | Uint8Array)[]>;
}

import { base64ToBytes } from './values.js';

/** The longest line read (folded values are joined after this check). */
const MAX_LINE = 16 * 1024 * 1024;

export class LdifReader {
  private parts: string[] = [];
  private partLength = 0;
  private logical: string | undefined;
  private logicalLine = 0;
  private line = 0;
  private entry: LdifEntry | undefined;

  constructor(
    private readonly emit: (e: LdifEntry) => void,
    private readonly fail: (message: string, line: number) => never,
  ) {}

  push(text: string): void {
    // The start of a line that has not ended yet is kept in parts, so a long line that comes in
    // many chunks is joined once, not copied at every chunk.
    let at = 0;
    for (;;) {
      const nl = text.indexOf('\n', at);
      if (nl < 0) break;
      const piece = text.slice(at, nl);
      const line = this.parts.length > 0 ? this.parts.join('') + piece : piece;
      this.parts = [];
      this.partLength = 0;
      this.physical(line.endsWith('\r') ? line.slice(0, -1) : line);
      at = nl + 1;
    }
    if (at < text.length) {
      this.parts.push(text.slice(at));
      this.partLength += text.length - at;
      if (this.partLength > MAX_LINE) this.fail(`a line of more than ${MAX_LINE >> 20} MiB`, this.line + 1);
    }
  }

  end(): void {
    const rest = this.parts.join('');
    this.parts = [];
    if (rest !== '') this.physical(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
    this.flushLogical();
    this.flushEntry();
  }

  private physical(text: string): void {
    this.line++;
    if (text.startsWith(' ') && this.logical !== undefined) {
      this.logical += text.slice(1);
      return;
    }
    this.flushLogical();
    if (text === '') {
      this.flushEntry();
      return;
    }
    if (text.startsWith('#')) return;
    this.logical = text;
    this.logicalLine = this.line;
  }

  private flushLogical(): void {
    const text = this.logical;
    if (text === undefined) return;
    this.logical = undefined;
    const m = /^([A-Za-z0-9][A-Za-z0-9;.-]*):(:|<)? ?(.*)$/.exec(text);
    if (!m) this.fail(`not an LDIF line: "${text.slice(0, 40)}"`, this.logicalLine);
    const name = m[1]!.split(';')[0]!.toLowerCase();
    let value: string | Uint8Array = m[3]!;
    // A certificate stays base64 text until a computer's certificates are read (most never are:
    // see ReaderOptions.skipCertificates); the rows reader decodes base64 text as bytes.
    const decodeNow = name !== 'usercertificate';
    if (m[2] === ':' && decodeNow) {
      const bytes = base64ToBytes(value);
      if (!bytes) this.fail(`${name}: the base64 value cannot be read`, this.logicalLine);
      value = bytes;
    } else if (m[2] === '<') return; // a value by URL: not read
    if (name === 'version' && !this.entry) return;
    if (name === 'dn') {
      this.flushEntry();
      const dn = typeof value === 'string' ? value : new TextDecoder().decode(value);
      this.entry = { line: this.logicalLine, dn, attrs: new Map() };
      return;
    }
    if (!this.entry) {
      // ldapsearch ends with "search: 2" and "result: 0 Success" outside any entry
      if (name === 'search' || name === 'result') return;
      this.fail(`"${name}" before any dn: line`, this.logicalLine);
    }
    const list = this.entry.attrs.get(name);
    if (list) list.push(value);
    else this.entry.attrs.set(name, [value]);
  }

  private flushEntry(): void {
    if (this.entry) this.emit(this.entry);
    this.entry = undefined;
  }
}
