// JSON exports read record by record, as the text comes, so a 200,000-device export never sits in
// memory as one parsed tree: the records are the elements of a top-level array (ConvertTo-Json of
// many objects), the elements of the `value` array of a top-level object (a Graph /devices page),
// or a top-level object itself (ConvertTo-Json of one object, or JSON Lines). Each record's text is
// cut out by a scanner that only tracks strings and nesting, then given to JSON.parse.

export interface JsonRecord {
  line: number;
  text: string;
}

/** The largest record read: a computer with many certificates is a few KiB. */
export const MAX_RECORD = 16 * 1024 * 1024;

export class JsonRecordScanner {
  private size = 0;
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Depth at which records sit: 1 in an array (or a `value` array), 0 for a top-level object. */
  private recordDepth = -1;
  private parts: string[] = [];
  private recording = false;
  private recordLine = 0;
  private line = 1;
  /** The key just read at depth 1 of a top-level object, and whether a ':' followed it. */
  private key = '';
  private keyOpen = false;
  private topIsObject = false;
  private wrapper = false;
  private offset = 0;

  constructor(
    private readonly emit: (r: JsonRecord) => void,
    private readonly fail: (message: string, line: number) => never,
  ) {}

  push(text: string): void {
    let start = this.recording ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.line++;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 92) this.escape = true;
        else if (c === 34) this.inString = false;
        if (this.keyOpen) {
          if (this.inString) this.key += text[i];
          else this.keyOpen = false;
        }
        continue;
      }
      if (c === 34) {
        this.inString = true;
        if (this.depth === 1 && this.topIsObject && !this.wrapper) {
          this.key = '';
          this.keyOpen = true;
        }
        if (!this.recording && this.depth === this.recordDepth)
          this.fail('a string where a record was expected', this.line);
        continue;
      }
      if (c === 123 || c === 91) {
        if (this.depth === 0) {
          this.topIsObject = c === 123;
          this.wrapper = false;
          this.recordDepth = c === 123 ? 0 : 1;
        } else if (
          this.depth === 1 &&
          this.topIsObject &&
          c === 91 &&
          !this.wrapper &&
          this.key === 'value'
        ) {
          // {"value": [ ... ]}: the records are the array's elements; the wrapper is not one.
          this.wrapper = true;
          this.recording = false;
          this.parts = [];
          start = -1;
          this.recordDepth = 2;
        }
        if (this.depth === this.recordDepth && !this.recording) {
          this.recording = true;
          this.recordLine = this.line;
          this.size = 0;
          start = i;
        }
        this.depth++;
        continue;
      }
      if (c === 125 || c === 93) {
        if (this.depth === 0) this.fail(`unexpected '${text[i]}'`, this.line);
        this.depth--;
        if (this.recording && this.depth === this.recordDepth) {
          this.parts.push(text.slice(start, i + 1));
          this.emit({ line: this.recordLine, text: this.parts.join('') });
          this.parts = [];
          this.recording = false;
          start = -1;
        }
        continue;
      }
      if (c > 32 && c !== 44 && c !== 58 && this.depth === this.recordDepth && !this.recording) {
        // null, numbers or words where an object should be (an array of strings, say)
        this.fail('a value that is not an object where a record was expected', this.line);
      }
    }
    if (this.recording && start >= 0) {
      this.parts.push(text.slice(start));
      this.size += text.length - start;
      if (this.size > MAX_RECORD) this.fail(`a record of more than ${MAX_RECORD >> 20} MiB`, this.recordLine);
    }
    this.offset += text.length;
  }

  end(): void {
    if (this.depth !== 0 || this.inString) this.fail('the JSON ends before it is complete', this.line);
  }
}
