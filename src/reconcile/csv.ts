// RFC 4180 CSV, read as the text comes: quoted fields may hold commas, quotes ("") and line breaks.
// Each record comes out with the line it starts on. One pass over the characters, no look-back.

export interface CsvRecord {
  line: number;
  fields: string[];
}

/** The longest field read (a computer's certificates take a few KiB). */
export const MAX_FIELD = 16 * 1024 * 1024;

export class CsvTokenizer {
  private field = '';
  private fields: string[] = [];
  private quoted = false;
  /** A quote inside a quoted field: either the end of the field or the first of "". */
  private quoteSeen = false;
  private line = 1;
  private recordLine = 1;
  private lastWasCR = false;
  private any = false;

  constructor(private readonly emit: (r: CsvRecord) => void) {}

  push(text: string): void {
    let start = 0;
    const n = text.length;
    /** The next line feed at or after the last one counted (-1: none left in this text). */
    let nextNl = text.indexOf('\n');
    // The next quote and carriage return, looked up again only once passed (-1: none left).
    let nextQuote = text.indexOf('"');
    let nextCr = text.indexOf('\r');
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (c === 34) {
            this.field += '"';
            start = i + 1;
            continue;
          }
          this.quoted = false; // the quote closed the field; fall through to read c unquoted
        } else {
          // Jump to the next quote: long quoted fields (certificates) are read at indexOf speed.
          // Line feeds inside the field count as lines; the next one is looked up once, not per field.
          const q = text.indexOf('"', i);
          const stop = q < 0 ? n : q;
          if (nextNl >= 0 && nextNl < i) nextNl = text.indexOf('\n', i);
          while (nextNl >= 0 && nextNl < stop) {
            this.line++;
            nextNl = text.indexOf('\n', nextNl + 1);
          }
          if (q < 0) {
            i = n;
            break;
          }
          this.field += text.slice(start, q);
          this.quoteSeen = true;
          start = q + 1;
          i = q;
          continue;
        }
      }
      if (c === 44) {
        this.field += text.slice(start, i);
        this.fields.push(this.field);
        this.field = '';
        this.any = true;
        start = i + 1;
      } else if (c === 10 || c === 13) {
        this.field += text.slice(start, i);
        start = i + 1;
        if (c === 10 && this.lastWasCR) {
          this.lastWasCR = false;
          this.recordLine = this.line;
          continue;
        }
        this.lastWasCR = c === 13;
        this.line++;
        this.finish();
        this.recordLine = this.line;
        continue;
      } else if (c === 34 && this.field === '' && start === i) {
        this.quoted = true;
        start = i + 1;
        this.any = true;
      } else {
        if (c !== 32 || this.field !== '' || start !== i) this.any = true;
        // Jump over the ordinary characters to the next comma, quote or line end: the next comma
        // is looked up, the others are known.
        if (nextNl >= 0 && nextNl <= i) nextNl = text.indexOf('\n', i + 1);
        if (nextQuote >= 0 && nextQuote <= i) nextQuote = text.indexOf('"', i + 1);
        if (nextCr >= 0 && nextCr <= i) nextCr = text.indexOf('\r', i + 1);
        const comma = text.indexOf(',', i + 1);
        let next = comma < 0 ? n : comma;
        if (nextNl >= 0 && nextNl < next) next = nextNl;
        if (nextQuote >= 0 && nextQuote < next) next = nextQuote;
        if (nextCr >= 0 && nextCr < next) next = nextCr;
        if (next > i + 1) {
          this.any = true;
          i = next - 1;
        }
      }
      this.lastWasCR = false;
    }
    if (!(this.quoted && this.quoteSeen)) this.field += text.slice(start);
    if (this.field.length > MAX_FIELD) {
      throw new CsvTooLong(this.recordLine);
    }
  }

  end(): void {
    if (this.any || this.field !== '') this.finish();
  }

  /** Whether the text ended inside a quoted field. */
  get unterminated(): boolean {
    return this.quoted && !this.quoteSeen;
  }

  private finish(): void {
    this.fields.push(this.field);
    this.field = '';
    if (this.any || this.fields.length > 1 || this.fields[0] !== '') {
      this.emit({ line: this.recordLine, fields: this.fields });
    }
    this.fields = [];
    this.any = false;
  }
}

export class CsvTooLong extends Error {
  constructor(readonly line: number) {
    super(`a field of more than ${MAX_FIELD >> 20} MiB`);
  }
}
