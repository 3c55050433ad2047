// Template expansion: walks a record's nodes, substitutes the instance values, and reports
// elements, attributes and text to a Sink, in document order. Rules (libevtx "Substitution"):
// - an optional substitution whose value is NULL adds nothing (an attribute left with no value is
//   dropped, as Windows does for <Correlation ActivityID=...> without an activity);
// - an array value repeats the element that holds the substitution once per item (an empty array
//   gives one empty element);
// - a Binary XML value (type 0x21) is itself a fragment or template instance: its elements are
//   spliced in where the substitution stands (the EventData of manifest events comes this way);
// - a substitution identifier past the end of the value array is corruption: it is reported and
//   the substitution left empty.
// Expansion is bounded: nesting depth, element count and text length per record, so a crafted
// record cannot make the reader loop or allocate without bound.
import {
  type ChunkContext,
  MAX_NESTING,
  NODE_ELEMENT,
  NODE_INSTANCE,
  NODE_SUBSTITUTION,
  parseStream,
  type TemplateInstanceData,
  type XAttribute,
  type XElement,
  type XNode,
} from './binxml.js';
import { type EvtxWarningCode, fail } from './errors.js';
import { renderArray, renderValue } from './values.js';

export interface Sink {
  /** Whether the sink wants the attributes and text of the element just opened. */
  capture: boolean;
  /** Whether the sink wants this attribute of a captured element (its value is rendered only then). */
  wantsAttr(name: string): boolean;
  open(name: string): void;
  attr(name: string, value: string): void;
  text(value: string): void;
  close(): void;
}

/** Most elements one record may expand to. */
export const MAX_ELEMENTS = 100_000;
/** Most characters of rendered text one record may expand to. */
export const MAX_CHARS = 4_000_000;
/** Deepest element nesting of one record, across Binary XML values (bounds the recursion). */
export const MAX_OPEN = 512;

export class Expander {
  private elements = 0;
  private chars = 0;
  private open = 0;
  constructor(
    private readonly ctx: ChunkContext,
    private readonly sink: Sink,
    /** Damage that does not stop the record (reported as warnings with the record). */
    private readonly note: (code: EvtxWarningCode, message: string, offset: number) => void,
    /** Where the record starts in the chunk, for positions in errors. */
    private readonly at: number,
  ) {}

  nodes(nodes: XNode[], values: TemplateInstanceData | null, item: number, depth: number): void {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      switch (node.kind) {
        case NODE_ELEMENT:
          this.element(node, values, depth);
          break;
        case NODE_SUBSTITUTION:
          if (values === null) break;
          this.substitute(node.index, node.optional, values, item, depth);
          break;
        case NODE_INSTANCE:
          if (depth >= MAX_NESTING) fail('template instances are nested too deeply', this.at);
          this.nodes(node.template.nodes, node.values, -1, depth + 1);
          break;
        default:
          if (this.sink.capture) this.text(node.text);
      }
    }
  }

  private element(el: XElement, values: TemplateInstanceData | null, depth: number): void {
    let repeat = -1;
    if (el.subs !== null && values !== null) {
      for (const index of el.subs) {
        if (index >= values.types.length || (values.types[index]! & 0x80) === 0) continue;
        repeat = Math.max(repeat, this.items(values, index).length);
      }
    }
    if (repeat < 0) this.emit(el, values, -1, depth);
    else for (let i = 0; i < Math.max(repeat, 1); i++) this.emit(el, values, i, depth);
  }

  private emit(el: XElement, values: TemplateInstanceData | null, item: number, depth: number): void {
    if (++this.elements > MAX_ELEMENTS)
      fail(`record expands to more than ${MAX_ELEMENTS} elements`, this.at, 'evtx-record-too-large');
    if (++this.open > MAX_OPEN)
      fail(`elements are nested more than ${MAX_OPEN} deep`, this.at, 'evtx-record-too-large');
    const sink = this.sink;
    sink.open(el.name);
    if (sink.capture) {
      for (const attr of el.attrs) {
        if (!sink.wantsAttr(attr.name)) continue;
        const value = this.attribute(attr, values, item);
        if (value !== null) sink.attr(attr.name, value);
      }
    }
    this.nodes(el.children, values, item, depth);
    sink.close();
    this.open--;
  }

  /** An attribute's text, or null when it has no value at all (every part an empty optional). */
  private attribute(attr: XAttribute, values: TemplateInstanceData | null, item: number): string | null {
    let out: string | null = null;
    for (const node of attr.value) {
      let part: string | null = null;
      if (node.kind === NODE_SUBSTITUTION) {
        if (values !== null) part = this.scalar(node.index, node.optional, values, item);
      } else if (node.kind !== NODE_ELEMENT && node.kind !== NODE_INSTANCE) part = node.text;
      if (part !== null) out = out === null ? part : out + part;
    }
    if (out !== null) this.count(out);
    return out;
  }

  private substitute(
    index: number,
    optional: boolean,
    values: TemplateInstanceData,
    item: number,
    depth: number,
  ): void {
    if (index < values.types.length && values.types[index] === 0x21) {
      if (values.sizes[index] === 0) return;
      values.nested ??= [];
      let nested = values.nested[index];
      if (nested === undefined) {
        if (depth >= MAX_NESTING) fail('binary XML values are nested too deeply', values.offsets[index]!);
        const off = values.offsets[index]!;
        nested = parseStream(this.ctx, off, off + values.sizes[index]!, false, depth + 1);
        values.nested[index] = nested;
      }
      this.nodes(nested, null, -1, depth + 1);
      return;
    }
    if (!this.sink.capture) return;
    const s = this.scalar(index, optional, values, item);
    if (s !== null) this.text(s);
  }

  /** A substitution rendered as text; null when it adds nothing. */
  private scalar(
    index: number,
    optional: boolean,
    values: TemplateInstanceData,
    item: number,
  ): string | null {
    if (index >= values.types.length) {
      this.note(
        'evtx-value-missing',
        `substitution ${index} refers past the ${values.types.length} values of the template instance`,
        this.at,
      );
      return null;
    }
    const type = values.types[index]!;
    if (type === 0) return optional ? null : '';
    if (type & 0x80) {
      const items = this.items(values, index);
      return item >= 0 ? (items[item] ?? '') : items.join(',');
    }
    if (type === 0x21) return '';
    const s = renderValue(this.ctx.data, type, values.offsets[index]!, values.sizes[index]!);
    if (s === null) {
      this.note(
        'evtx-value-too-small',
        `value ${index} of type 0x${type.toString(16)} has a size of ${values.sizes[index]} bytes, too small for its type`,
        values.offsets[index]!,
      );
      return '';
    }
    return s;
  }

  private items(values: TemplateInstanceData, index: number): string[] {
    values.items ??= [];
    let items = values.items[index];
    if (items === undefined) {
      items = renderArray(this.ctx.data, values.types[index]!, values.offsets[index]!, values.sizes[index]!);
      if (items === null)
        this.note(
          'evtx-array-items',
          `array value ${index} of type 0x${values.types[index]!.toString(16)} does not divide into whole items`,
          values.offsets[index]!,
        );
      values.items[index] = items;
    }
    return items ?? [];
  }

  private text(s: string): void {
    this.count(s);
    this.sink.text(s);
  }

  private count(s: string): void {
    this.chars += s.length;
    if (this.chars > MAX_CHARS)
      fail(`record expands to more than ${MAX_CHARS} characters of text`, this.at, 'evtx-record-too-large');
  }
}
