// Binary XML (libevtx "Binary XML"): the token stream of a record, of a template definition and of
// a Binary XML substitution value, parsed into small node trees. Template definitions are parsed
// once per chunk and cached by their offset (and reused from an earlier chunk of the file when
// they parse the same, see TemplateCache); a record is then a template instance (a template plus
// its substitution values) that the walker in render.ts expands.
//
// Token stream (one byte each; 0x40 set on 0x01/0x05-0x09 means "more follows" or, on 0x41, "has
// attributes"):
//
//   0x0f fragment header (+3 bytes)   0x0c template instance     0x00 end of stream
//   0x01 element start  [dependency id u16] data size u32, name offset u32, [attribute list size u32]
//   0x02 close start tag   0x03 close empty element   0x04 end element
//   0x05 value text (type u8, then a UTF-16 string with a u16 character count)
//   0x06 attribute (name offset u32, then its value tokens)
//   0x07 CDATA   0x08 character reference   0x09 entity reference   0x0a/0x0b PI target / data
//   0x0d normal substitution, 0x0e optional substitution (identifier u16, value type u8)
//
// A name offset either points just past itself (the name is stored inline and must be skipped) or
// back into the chunk where the name was first stored:
//
//   +0 u32 offset of the next name (hash chain of the common string table; unused here)
//   +4 u16 hash   +6 u16 character count   +8 UTF-16 characters, then a NUL character
//
// Names are read where the offset points, never through the chunk header's common string table,
// so a corrupt table (security_bad_string_cache.evtx) costs nothing.
import { u16, u32 } from './bytes.js';
import { EvtxFormatError, fail } from './errors.js';
import type { Plan } from './plan.js';
import { utf16 } from './utf16.js';
import { fixedSize, isKnownType, renderValue } from './values.js';

export const NODE_ELEMENT = 0;
export const NODE_TEXT = 1;
export const NODE_SUBSTITUTION = 2;
export const NODE_INSTANCE = 3;

export class XElement {
  readonly kind = NODE_ELEMENT;
  readonly attrs: XAttribute[] = [];
  readonly children: XNode[] = [];
  /** Substitution identifiers used directly in this element's content or attributes (for arrays). */
  subs: number[] | null = null;
  constructor(readonly name: string) {}
}

export class XAttribute {
  readonly value: XNode[] = [];
  constructor(readonly name: string) {}
}

export class XText {
  readonly kind = NODE_TEXT;
  constructor(readonly text: string) {}
}

export class XSubstitution {
  readonly kind = NODE_SUBSTITUTION;
  constructor(
    readonly index: number,
    readonly type: number,
    readonly optional: boolean,
  ) {}
}

/** A template instance: the template definition and the substitution values of this record. */
export class XInstance {
  readonly kind = NODE_INSTANCE;
  constructor(
    readonly template: TemplateDefinition,
    readonly values: TemplateInstanceData,
  ) {}
}

export type XNode = XElement | XText | XSubstitution | XInstance;

export interface TemplateDefinition {
  /** Chunk-relative offset of the template definition. */
  readonly offset: number;
  readonly nodes: XNode[];
  /** Its compiled plans by the place in the event they are for (plan.ts); made on first use. */
  plans?: Map<number, Plan | null>;
  /**
   * Set when `plans` is shared with other chunks (TemplateCache): what may still be kept there;
   * plans past that budget are kept in `local`, for this chunk only.
   */
  shared?: PlanBudget;
  local?: Map<number, Plan | null>;
}

/** Steps of compiled plans that the definitions shared across chunks may still keep. */
export interface PlanBudget {
  steps: number;
}

/**
 * Template instance data: the value descriptors (size, type) and where each value's bytes are in
 * the chunk. Arrays and nested Binary XML values are decoded once, on first use.
 */
export class TemplateInstanceData {
  /** Rendered items of array values (null: the bytes do not divide into items); made on first use. */
  items: Array<string[] | null | undefined> | undefined;
  /** Parsed nodes of Binary XML values; made on first use. */
  nested: Array<XNode[] | undefined> | undefined;
  constructor(
    readonly types: number[],
    readonly offsets: number[],
    readonly sizes: number[],
  ) {}
}

/** Everything parsed from one chunk: its bytes and the names and templates found so far. */
export class ChunkContext {
  readonly names = new Map<number, string>();
  readonly templates = new Map<number, TemplateDefinition | EvtxFormatError>();
  /** Bytes of template definitions parsed so far (see MAX_TEMPLATE_BYTES). */
  templateBytes = 0;
  /** `shared`: the definitions of the file's earlier chunks, to reuse when they are the same. */
  constructor(
    readonly data: Uint8Array,
    readonly shared: TemplateCache | null = null,
  ) {}
}

/**
 * What the parse of a template definition read that is not its own bytes, or that depends on
 * where they are in the chunk, in the order it read it: for an element start, the token's place
 * (relative to the definition's first byte) and the size of the prefix before its name offset;
 * for a name offset, its place, whether the name was inline and, if not, the name read.
 */
interface Trace {
  /** Triples: kind (T_PREFIX, T_INLINE, T_NAME), relative place, prefix size or index in `names`. */
  readonly points: number[];
  readonly names: string[];
}

const T_PREFIX = 0;
const T_INLINE = 1;
const T_NAME = 2;

/** A parsed definition kept for later chunks, with what a later definition must match. */
interface SharedTemplate {
  /** The definition's bytes (from its fragment header on); the bytes that may differ are zeros. */
  readonly bytes: Uint8Array;
  /** Pairs [from, to) of places in `bytes` that must be equal: all but name offsets and inline names' links and hashes. */
  readonly same: number[];
  readonly trace: Trace;
  readonly nodes: XNode[];
  readonly plans: Map<number, Plan | null>;
}

/** Most definitions and bytes a TemplateCache keeps (real logs have a few hundred templates). */
const MAX_SHARED = 2048;
const MAX_SHARED_BYTES = 4 << 20;
/** Real logs' shared plans take some tens of thousands of steps. */
const MAX_SHARED_STEPS = 500_000;

/**
 * Template definitions shared across the chunks of one file. Each chunk stores its templates
 * again, at other offsets and with other name offsets (a name inline in one chunk is a reference
 * in the next), so a definition is looked up by its identifier and size, then taken only when it
 * parses exactly as the kept one did: the same bytes but for name offsets and the unused links
 * and hashes of inline names, the same element start layouts, the same inline names, and the
 * same names read through references. Its nodes and compiled plans are then reused as they are.
 */
export class TemplateCache implements PlanBudget {
  /** Steps (plus one a plan) the shared plans may still take: a bound on what the cache holds. */
  steps = MAX_SHARED_STEPS;
  private readonly byKey = new Map<number, SharedTemplate[]>();
  private count = 0;
  private bytes = 0;
  /** Definitions taken from the cache (for tests). */
  hits = 0;

  /** The kept definition the one at `start` (`size` bytes) of this chunk parses to, if any. */
  find(ctx: ChunkContext, off: number, start: number, size: number): SharedTemplate | undefined {
    const list = this.byKey.get(templateKey(ctx.data, off, size));
    if (list === undefined) return undefined;
    for (const t of list)
      if (t.bytes.length === size && sameTemplate(ctx, start, t)) {
        this.hits++;
        return t;
      }
    return undefined;
  }

  /** Keeps a definition just parsed (while there is room). */
  add(
    ctx: ChunkContext,
    off: number,
    start: number,
    size: number,
    trace: Trace,
    nodes: XNode[],
  ): Map<number, Plan | null> | undefined {
    if (this.count >= MAX_SHARED || this.bytes + size > MAX_SHARED_BYTES) return undefined;
    const plans = new Map<number, Plan | null>();
    const bytes = ctx.data.slice(start, start + size);
    const same: number[] = [];
    let from = 0;
    const skip = (at: number, n: number) => {
      if (at > from) same.push(from, at);
      // A loop: fill's call costs more than the four or six bytes it would clear.
      for (let i = at; i < at + n; i++) bytes[i] = 0;
      from = at + n;
    };
    const p = trace.points;
    for (let i = 0; i < p.length; i += 3) {
      if (p[i] === T_PREFIX) continue;
      skip(p[i + 1]!, 4);
      if (p[i] === T_INLINE) skip(p[i + 1]! + 4, 6);
    }
    if (size > from) same.push(from, size);
    const key = templateKey(ctx.data, off, size);
    const shared = { bytes, same, trace, nodes, plans };
    const list = this.byKey.get(key);
    if (list === undefined) this.byKey.set(key, [shared]);
    else list.push(shared);
    this.count++;
    this.bytes += size;
    return plans;
  }
}

/** A definition's identifier (the GUID at +4) and size as one number; equal keys are then compared. */
function templateKey(b: Uint8Array, off: number, size: number): number {
  const guid = (u32(b, off + 4) ^ u32(b, off + 8) ^ u32(b, off + 12) ^ u32(b, off + 16)) >>> 0;
  return guid * 0x10000 + (size & 0xffff);
}

/** Whether the definition at `start` of this chunk parses exactly as the kept one `t` did. */
function sameTemplate(ctx: ChunkContext, start: number, t: SharedTemplate): boolean {
  const b = ctx.data;
  const kept = t.bytes;
  const same = t.same;
  // Four bytes a step, read as one (unaligned) word from each side, then the last few one by one.
  const ours = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const theirs = new DataView(kept.buffer, kept.byteOffset, kept.byteLength);
  for (let k = 0; k < same.length; k += 2) {
    let i = same[k]!;
    const to = same[k + 1]!;
    for (; i + 4 <= to; i += 4) if (ours.getInt32(start + i, true) !== theirs.getInt32(i, true)) return false;
    for (; i < to; i++) if (b[start + i] !== kept[i]) return false;
  }
  const end = start + kept.length;
  const p = t.trace.points;
  for (let i = 0; i < p.length; i += 3) {
    const at = start + p[i + 1]!;
    if (p[i] === T_PREFIX) {
      if (elementStartPrefix(ctx, at + 1, end, true, at) !== p[i + 2]) return false;
      continue;
    }
    const off = u32(b, at);
    if ((off === at + 4) !== (p[i] === T_INLINE)) return false;
    if (p[i] === T_NAME && nameOrNull(ctx, off) !== t.trace.names[p[i + 2]!]) return false;
  }
  return true;
}

/** readName, or null where it fails (the definition is then parsed, and fails, as usual). */
function nameOrNull(ctx: ChunkContext, off: number): string | null {
  try {
    return readName(ctx, off);
  } catch (err) {
    if (err instanceof EvtxFormatError) return null;
    throw err;
  }
}

/**
 * Most bytes of template definitions parsed in one chunk: 16 times the chunk. Real chunks use a
 * few kilobytes; without a bound, records pointing at many overlapping definitions could make a
 * chunk cost seconds.
 */
const MAX_TEMPLATE_BYTES = 16 * 65536;

/** Deepest nesting of Binary XML values and template instances inside one record. */
export const MAX_NESTING = 16;
/** Deepest element nesting inside one stream. */
const MAX_DEPTH = 256;
/** Record area start: names and templates can only live past the chunk header. */
const CHUNK_HEADER_SIZE = 512;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The name stored at chunk offset `off`. */
export function readName(ctx: ChunkContext, off: number): string {
  const cached = ctx.names.get(off);
  if (cached !== undefined) return cached;
  const b = ctx.data;
  if (off < CHUNK_HEADER_SIZE || off + 8 > b.length)
    fail(`name offset 0x${off.toString(16)} is outside the chunk`, off);
  const count = u16(b, off + 6);
  if (off + 8 + 2 * count > b.length)
    fail(`name at 0x${off.toString(16)} runs past the end of the chunk`, off);
  const name = utf16(b, off + 8, count);
  ctx.names.set(off, name);
  return name;
}

/** Bytes taken by the name at `off` when it is stored inline (link, hash, count, chars, NUL). */
function inlineNameSize(ctx: ChunkContext, off: number): number {
  return 10 + 2 * u16(ctx.data, off + 6);
}

/** The template definition at chunk offset `off`, parsed once per chunk. */
export function readTemplate(ctx: ChunkContext, off: number): TemplateDefinition {
  const cached = ctx.templates.get(off);
  if (cached !== undefined) {
    if (cached instanceof EvtxFormatError) throw cached;
    return cached;
  }
  try {
    // Template definition: next definition offset u32, identifier GUID (16), data size u32, then
    // a fragment header, one element and an end-of-stream token.
    const b = ctx.data;
    if (off < CHUNK_HEADER_SIZE || off + 24 > b.length)
      fail(`template definition offset 0x${off.toString(16)} is outside the chunk`, off);
    const size = u32(b, off + 20);
    const start = off + 24;
    if (start + size > b.length)
      fail(`template definition at 0x${off.toString(16)} runs past the end of the chunk`, off);
    ctx.templateBytes += size;
    if (ctx.templateBytes > MAX_TEMPLATE_BYTES)
      fail(`the chunk's template definitions add up to more than ${MAX_TEMPLATE_BYTES} bytes`, off);
    const template = parseTemplate(ctx, off, start, size);
    ctx.templates.set(off, template);
    return template;
  } catch (err) {
    if (err instanceof EvtxFormatError) ctx.templates.set(off, err);
    throw err;
  }
}

/** The definition at `off` whose token stream is `[start, start + size)`: shared, when the file has one like it. */
function parseTemplate(ctx: ChunkContext, off: number, start: number, size: number): TemplateDefinition {
  const cache = ctx.shared;
  if (cache === null) return { offset: off, nodes: parseStream(ctx, start, start + size, true, 1) };
  const kept = cache.find(ctx, off, start, size);
  if (kept !== undefined) return { offset: off, nodes: kept.nodes, plans: kept.plans, shared: cache };
  const trace: Trace = { points: [], names: [] };
  const nodes = new StreamParser(ctx, start, start + size, true, trace).parse();
  const plans = cache.add(ctx, off, start, size, trace, nodes);
  return plans === undefined ? { offset: off, nodes } : { offset: off, nodes, plans, shared: cache };
}

/**
 * Parse the token stream in `[start, end)` of the chunk. `inTemplate` selects the template
 * definition grammar (substitutions allowed, element starts carry a dependency identifier) over
 * the record grammar (template instances allowed, no dependency identifier).
 */
export function parseStream(
  ctx: ChunkContext,
  start: number,
  end: number,
  inTemplate: boolean,
  depth: number,
): XNode[] {
  if (depth > MAX_NESTING) fail('binary XML is nested too deeply', start);
  const b = ctx.data;
  if (end > b.length) fail('binary XML runs past the end of the chunk', start);
  // The shape of nearly every record and Binary XML value: a fragment header (records) or none
  // (values), one template instance, the end of the stream. Read it without the general token loop.
  const at = b[start] === 0x0f ? start + 4 : start;
  if (!inTemplate && at < end && b[at] === 0x0c) {
    const [instance, next] = readInstance(ctx, at, end);
    // Whatever follows an end-of-stream token is not read (writers pad records to 8 bytes).
    if (next === end || b[next] === 0x00) return [instance];
  }
  return new StreamParser(ctx, start, end, inTemplate).parse();
}

/** The general token loop of parseStream: one token at a time into a node tree. */
class StreamParser {
  private readonly b: Uint8Array;
  private readonly top: XNode[] = [];
  private readonly stack: XElement[] = [];
  /** The element whose start tag is being read (its attributes), if any. */
  private open: XElement | null = null;
  /** The attribute whose value is being read, if any. */
  private attr: XAttribute | null = null;
  private pos: number;

  /** `trace`: what the parse reads beyond the stream's bytes is noted there (TemplateCache). */
  constructor(
    private readonly ctx: ChunkContext,
    private readonly start: number,
    private readonly end: number,
    private readonly inTemplate: boolean,
    private readonly trace: Trace | null = null,
  ) {
    this.b = ctx.data;
    this.pos = start;
  }

  parse(): XNode[] {
    while (this.pos < this.end) this.token();
    if (this.open !== null || this.stack.length > 0) fail('binary XML ends inside an element', this.end);
    return this.top;
  }

  /** One token at `pos`. */
  private token(): void {
    const b = this.b;
    const token = b[this.pos]!;
    const type = token & 0x40 && (token & 0x0f) <= 0x09 ? token & 0xbf : token;
    switch (type) {
      case 0x00: // end of stream
        this.pos = this.end;
        return;
      case 0x0f: // fragment header
        this.need(4);
        this.pos += 4;
        return;
      case 0x01:
        this.elementStart((token & 0x40) !== 0);
        return;
      case 0x02: // close start tag: content follows
        if (this.open === null) fail('close of a start tag that was not opened', this.pos);
        this.stack.push(this.open);
        this.closeTag();
        return;
      case 0x03: // close empty element
        if (this.open === null) fail('close of an empty element that was not opened', this.pos);
        this.closeTag();
        return;
      case 0x04: // end element
        if (this.open !== null || this.stack.length === 0)
          fail('end of an element that was not opened', this.pos);
        this.stack.pop();
        this.pos++;
        return;
      case 0x05:
        this.valueText();
        return;
      case 0x06: // attribute
        if (this.open === null) fail('attribute outside a start tag', this.pos);
        this.pos++;
        this.attr = new XAttribute(this.name());
        this.open.attrs.push(this.attr);
        return;
      case 0x07: // CDATA section
        this.pos++;
        this.emit(new XText(this.text()));
        return;
      case 0x08: // character reference
        this.pos++;
        this.need(2);
        this.emit(new XText(String.fromCharCode(u16(b, this.pos))));
        this.pos += 2;
        return;
      case 0x09: {
        // entity reference
        this.pos++;
        const entity = this.name();
        this.emit(new XText(ENTITIES[entity] ?? `&${entity};`));
        return;
      }
      case 0x0a: // processing instruction target: not part of the event's data
        this.pos++;
        this.name();
        return;
      case 0x0b: // processing instruction data
        this.pos++;
        this.text();
        return;
      case 0x0c: {
        // template instance
        if (this.inTemplate) fail('template instance inside a template definition', this.pos);
        const [instance, next] = readInstance(this.ctx, this.pos, this.end);
        this.emit(instance);
        this.pos = next;
        return;
      }
      case 0x0d:
      case 0x0e:
        this.substitution(type === 0x0e);
        return;
      default:
        fail(`unknown binary XML token 0x${token.toString(16).padStart(2, '0')}`, this.pos);
    }
  }

  private need(n: number): void {
    if (this.pos + n > this.end) fail('binary XML ends in the middle of a token', this.pos);
  }

  /** Ends the start tag being read (its 0x02 or 0x03 token). */
  private closeTag(): void {
    this.open = null;
    this.attr = null;
    this.pos++;
  }

  /** Adds a node where the stream stands: an attribute value, an element's content, or the top. */
  private emit(node: XNode): void {
    const attr = this.attr;
    if (attr !== null) {
      if (node.kind === NODE_ELEMENT || node.kind === NODE_INSTANCE)
        fail('element inside an attribute value', this.pos);
      attr.value.push(node);
    } else if (this.open !== null) fail('content inside a start tag', this.pos);
    else if (this.stack.length > 0) this.stack[this.stack.length - 1]!.children.push(node);
    else this.top.push(node);
  }

  /** A name token: offset u32; when it points just past itself the name follows inline. */
  private name(): string {
    this.need(4);
    const off = u32(this.b, this.pos);
    this.pos += 4;
    const n = readName(this.ctx, off);
    const trace = this.trace;
    if (trace !== null) {
      const inline = off === this.pos;
      trace.points.push(inline ? T_INLINE : T_NAME, this.pos - 4 - this.start, trace.names.length);
      if (!inline) trace.names.push(n);
    }
    if (off === this.pos) {
      this.pos += inlineNameSize(this.ctx, off);
      if (this.pos > this.end) fail('inline name runs past the end of the binary XML', off);
    }
    return n;
  }

  /** A UTF-16 string with a u16 character count. */
  private text(): string {
    this.need(2);
    const count = u16(this.b, this.pos);
    this.need(2 + 2 * count);
    const s = utf16(this.b, this.pos + 2, count);
    this.pos += 2 + 2 * count;
    return s;
  }

  /** Element start (0x01, 0x41 with attributes). */
  private elementStart(hasAttributes: boolean): void {
    if (this.open !== null) fail('element start inside a start tag', this.pos);
    if (this.stack.length >= MAX_DEPTH) fail('elements are nested too deeply', this.pos);
    const at = this.pos;
    const prefix = elementStartPrefix(this.ctx, this.pos + 1, this.end, this.inTemplate, at);
    this.trace?.points.push(T_PREFIX, at - this.start, prefix);
    this.pos += 1 + prefix;
    const el = new XElement(this.name());
    if (hasAttributes) {
      this.need(4);
      this.pos += 4; // attribute list size
    }
    this.emit(el);
    this.open = el;
    this.attr = null;
  }

  /** Value text (0x05): a type byte, then a string or, though Windows writes strings, a fixed-size value. */
  private valueText(): void {
    const b = this.b;
    this.pos++;
    this.need(1);
    const vt = b[this.pos++]!;
    if (vt === 0x01) {
      this.emit(new XText(this.text()));
      return;
    }
    const size = fixedSize(vt);
    if (size === 0) fail(`value of type 0x${vt.toString(16)} cannot be read inline`, this.pos - 1);
    this.need(size);
    this.emit(new XText(renderValue(b, vt, this.pos, size) ?? ''));
    this.pos += size;
  }

  /** Substitution (0x0d normal, 0x0e optional): identifier u16, value type u8. */
  private substitution(optional: boolean): void {
    if (!this.inTemplate) fail('substitution outside a template definition', this.pos);
    this.need(4);
    const index = u16(this.b, this.pos + 1);
    const vt = this.b[this.pos + 3]!;
    this.emit(new XSubstitution(index, vt, optional));
    // The element that holds it, for arrays (they repeat that element).
    const el = this.attr !== null ? this.open : this.stack[this.stack.length - 1];
    if (el !== undefined && el !== null) {
      if (el.subs === null) el.subs = [index];
      else if (!el.subs.includes(index)) el.subs.push(index);
    }
    this.pos += 4;
  }
}

/**
 * Bytes between the element start token and its name offset: 6 with a dependency identifier
 * (template definitions), 4 without (records and Binary XML values). Some writers differ from
 * that rule, so the other layout is taken when only it yields a plausible name offset: one just
 * past itself (inline) or one earlier in the chunk.
 */
function elementStartPrefix(
  ctx: ChunkContext,
  pos: number,
  end: number,
  inTemplate: boolean,
  tokenAt: number,
): number {
  const primary = inTemplate ? 6 : 4;
  if (plausibleName(ctx, pos + primary, end, tokenAt)) return primary;
  const other = inTemplate ? 4 : 6;
  if (plausibleName(ctx, pos + other, end, tokenAt)) return other;
  return primary;
}

function plausibleName(ctx: ChunkContext, at: number, end: number, tokenAt: number): boolean {
  if (at + 4 > end) return false;
  const off = u32(ctx.data, at);
  if (off === at + 4) return off + 8 <= end;
  return off >= CHUNK_HEADER_SIZE && off + 8 <= tokenAt;
}

/**
 * A template instance at `pos` (its 0x0c token): unknown u8, template identifier u32, definition
 * offset u32; the definition itself when it is stored here for the first time (its offset then
 * points just past the offset field); then the instance data: value count u32, one descriptor per
 * value (size u16, type u8, unused u8), and the values packed one after another.
 */
function readInstance(ctx: ChunkContext, pos: number, end: number): [XInstance, number] {
  const b = ctx.data;
  if (pos + 10 > end) fail('template instance ends early', pos);
  const defOffset = u32(b, pos + 6);
  let p = pos + 10;
  if (defOffset === p) {
    if (p + 24 > end) fail('template definition ends early', p);
    p += 24 + u32(b, p + 20);
    if (p > end) fail('template definition runs past the end of the record', pos);
  }
  const template = readTemplate(ctx, defOffset);
  if (p + 4 > end) fail('template instance data ends early', p);
  const count = u32(b, p);
  p += 4;
  if (count * 4 > end - p)
    fail(`template instance claims ${count} values, more than the record holds`, p - 4);
  const types = new Array<number>(count);
  const offsets = new Array<number>(count);
  const sizes = new Array<number>(count);
  let v = p + 4 * count;
  for (let i = 0; i < count; i++, p += 4) {
    const size = u16(b, p);
    const type = b[p + 2]!;
    if (!isKnownType(type)) fail(`value ${i} has an unknown type 0x${type.toString(16)}`, p);
    types[i] = type;
    offsets[i] = v;
    sizes[i] = size;
    v += size;
  }
  if (v > end) fail('substitution values run past the end of the record', p);
  return [new XInstance(template, new TemplateInstanceData(types, offsets, sizes)), v];
}
