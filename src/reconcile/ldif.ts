// LDIF (RFC 2849) as ldapsearch and ldifde write it: entries separated by blank lines, lines folded
// by a leading space, `attr: value`, `attr:: base64` for binary or non-ASCII values, `#` comments,
// attribute options (`userCertificate;binary`). Values are kept as text or as bytes.

export interface LdifEntry {
  line: number;
  dn: string;
  attrs: Map<string, (string | Uint8Array)[]>;
}

import { base64ToBytes } from './values.js';

/** The longest line read (folded values are joined after this check). */
const MAX_LINE = 16 * 1024 * 1024;

export class LdifReader {
  private pending = '';
  private logical: string | undefined;
  private logicalLine = 0;
  private line = 0;
  private entry: LdifEntry | undefined;
  private lastWasCR = false;

  constructor(
    private readonly emit: (e: LdifEntry) => void,
    private readonly fail: (message: string, line: number) => never,
  ) {}

  push(text: string): void {
    let s = this.pending + text;
    if (this.lastWasCR && s.startsWith('\n')) s = s.slice(1);
    this.lastWasCR = false;
    let at = 0;
    for (;;) {
      const nl = s.indexOf('\n', at);
      if (nl < 0) break;
      this.physical(s.slice(at, nl).replace(/\r$/, ''));
      at = nl + 1;
    }
    this.pending = s.slice(at);
    if (this.pending.length > MAX_LINE) this.fail(`a line of more than ${MAX_LINE >> 20} MiB`, this.line + 1);
  }

  end(): void {
    if (this.pending !== '') this.physical(this.pending.replace(/\r$/, ''));
    this.pending = '';
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
    if (m[2] === ':') {
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
