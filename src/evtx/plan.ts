// Compiled templates: the fast path for the common record. A template definition is parsed once
// per chunk (binxml.ts); here it is also compiled once per chunk, for the place in the event where
// it is used, into a flat list of steps that say what each constant and each substitution feeds:
// a System field, the Name or the text of a <Data> element, an element of a payload tree. A record
// then reads its template instance (the value descriptors, into reused typed arrays), checks that
// its values fit the plan, and runs the steps: no node walk, no Sink calls, no per-record objects
// but the EventRecord itself.
//
// The plan is the generic path (render.ts expanding into event.ts's EventSink) evaluated ahead of
// time: the compiler below is EventSink's state machine run on the template's element names, which
// are constant. What only a record's values decide is checked per record, and anything out of the
// ordinary hands the whole record back to the generic path, which then reads it from the start
// (and reports what it finds): an array value (it repeats its element) anywhere but as the whole
// text of a plain <Data> element (repeated here, see PlanReader.dataArray), a Binary XML value
// where the plan cannot splice it, a substitution past the values, a value too small for its
// type, a stream that is not one template instance, any format error, or a record near the
// expansion limits. So both paths give the same record and the same warnings; test/evtx-plan.test.ts
// compares them on the samples and on damaged copies.

import {
  type ChunkContext,
  MAX_NESTING,
  readTemplate,
  type TemplateDefinition,
  type XElement,
  type XNode,
} from './binxml.js';
import { u16, u32 } from './bytes.js';
import { EvtxFormatError } from './errors.js';
import {
  EVENT_DATA,
  F_OTHER,
  F_PROVIDER,
  F_TIME,
  makeRecord,
  NONE,
  PAYLOAD,
  SYSTEM,
  SYSTEM_FIELDS,
  sectionOf,
} from './event.js';
import { inner, needsEscape, recordJson, unsafeKey } from './json.js';
import { DataBuilder, type XmlElement } from './payload.js';
import type { EventRecord } from './record.js';
import { MAX_CHARS, MAX_ELEMENTS, MAX_OPEN } from './render.js';
import { decodedText, ESCAPE_NONE, ESCAPE_SOME } from './utf16.js';
import { isKnownType, renderArray, renderValue } from './values.js';

// Steps. A value is a list of parts: a string is constant text, a number n is substitution n >> 1
// (optional when n & 1).
const S_PROVIDER = 0; // provider = value
const S_TIME = 1; // time = value
const S_FIELD = 2; // texts[field] += value
const S_DATA_OPEN = 3; // a <Data> element of EventData starts
const S_DATA_NAME = 4; // its Name attribute
const S_DATA_TEXT = 5; // its text
const S_DATA_CLOSE = 6; // it ends: data[name] = text (`name`, in a direct plan: the JSON from the last value's end to this one's start)
const S_COUNT = 7; // rendered (and counted against the limit) but kept nowhere
const S_EL_OPEN = 8; // a payload element starts (linked to its parent when `field` is 1)
const S_EL_ATTR = 9;
const S_EL_TEXT = 10;
const S_EL_CLOSE = 11; // it ends; `field`: 0 pop, 1 flatten into data, 2 a whole container
const S_SUB = 12; // a substitution in content: a Binary XML value is spliced, others are text
// A <Data> element whose Name is constant (or absent) and whose text is one substitution: the four
// steps S_DATA_OPEN, S_DATA_NAME, S_SUB (its S_DATA_TEXT) and S_DATA_CLOSE as one (see fuse).
const S_DATA_VALUE = 13;

type Part = string | number;

interface Step {
  kind: number;
  field: number;
  name: string;
  parts: Part[];
  /** S_SUB: what its text feeds (null: not captured), and where a Binary XML value is spliced. */
  inner: Step | null;
  nest: State | null;
  /** S_SUB: open elements at this point, for the nesting bound. */
  openAt: number;
  /** Whether the constant parts have nothing JSON must escape. */
  plain: boolean;
  /** S_DATA_VALUE: the Name (undefined: none), and the characters it counts against the limit. */
  key: string | undefined;
  keyChars: number;
  /** S_DATA_VALUE: the steps it stands for, run instead when the value is Binary XML. */
  unfused: Step[] | null;
  /** S_DATA_CLOSE and S_DATA_VALUE: the <Data> element holds no element (an array value may repeat it). */
  leaf: boolean;
  /** S_DATA_CLOSE and S_DATA_VALUE: the last long value written here, and its JSON (see escaped). */
  lastValue: string;
  lastJson: string;
}

/** What EventSink knows at a point of the event; the key a plan is compiled for. */
interface State {
  depth: number;
  section: number;
  field: number;
  inData: boolean;
  capture: boolean;
  stack: number;
  /** The fields above as one number: the key of the plans compiled for this state. */
  key: number;
}

/** The key of a state: its fields packed into one exact number (depth and stack stay far below 2^20). */
const keyOf = (
  depth: number,
  section: number,
  field: number,
  inData: boolean,
  capture: boolean,
  stack: number,
) =>
  ((((depth * 0x100000 + stack) * 8 + section) * 8 + field) * 2 + (inData ? 1 : 0)) * 2 + (capture ? 1 : 0);

/** The states met so far, by key: one object for each, shared by every chunk's plans. */
const STATES = new Map<number, State>();
/** Most states kept (real logs meet a few dozen; crafted nesting could make many more). */
const MAX_STATES = 4096;

export interface Plan {
  readonly steps: Step[];
  /** Every substitution the template uses, and the largest. */
  readonly subs: number[];
  readonly maxIndex: number;
  readonly elements: number;
  readonly maxOpen: number;
  /** Whether it puts values into the data map. */
  readonly hasData: boolean;
  /**
   * Whether its data map can be written as JSON text as it is read: only <Data> elements, each
   * with a constant name, no two the same and none an array index (JSON.stringify writes those
   * first). Holds when this is the only plan of the record that puts data.
   */
  readonly direct: boolean;
  /**
   * The substitutions an array value may fill on this path: every use of each is the value of a
   * plain <Data> element (S_DATA_VALUE) holding no other element, which the array repeats once
   * per item (an empty array: once, empty), as render.ts does.
   */
  readonly arrayOk: ReadonlySet<number>;
}

const ROOT: State = {
  depth: 0,
  section: NONE,
  field: F_OTHER,
  inData: false,
  capture: false,
  stack: 0,
  key: -1,
};

class Unplannable extends Error {}

/** EventSink's state machine over the template's nodes, recording steps instead of effects. */
class Compiler {
  readonly steps: Step[] = [];
  readonly subs = new Set<number>();
  /** How many times each substitution is used. */
  readonly uses = new Map<number, number>();
  elements = 0;
  maxOpen = 0;
  private open = 0;
  /** `elements` when the <Data> element being read opened. */
  private dataElements = 0;
  private depth: number;
  private section: number;
  private field: number;
  private inData: boolean;
  private capture: boolean;
  private stack: number;
  private readonly captures: boolean[] = [];

  constructor(s: State) {
    this.depth = s.depth;
    this.section = s.section;
    this.field = s.field;
    this.inData = s.inData;
    this.capture = s.capture;
    this.stack = s.stack;
  }

  private step(kind: number, parts: Part[] = [], field = 0, name = ''): Step {
    const plain = parts.every((p) => typeof p !== 'string' || !needsEscape(p));
    return {
      kind,
      field,
      name,
      parts,
      inner: null,
      nest: null,
      openAt: 0,
      plain,
      key: undefined,
      keyChars: 0,
      unfused: null,
      leaf: false,
      lastValue: '',
      lastJson: '',
    };
  }

  nodes(nodes: XNode[]): void {
    for (const node of nodes) {
      switch (node.kind) {
        case 0:
          this.element(node);
          break;
        case 2: {
          this.use(node.index);
          const s = this.step(S_SUB);
          s.field = (node.index << 1) | (node.optional ? 1 : 0);
          s.inner = this.capture ? this.textStep([s.field]) : null;
          s.nest = this.section === SYSTEM ? null : this.state();
          s.openAt = this.open;
          this.steps.push(s);
          break;
        }
        case 1:
          if (this.capture) this.steps.push(this.textStep([node.text]));
          break;
        default:
          throw new Unplannable();
      }
    }
  }

  private use(index: number): void {
    this.subs.add(index);
    this.uses.set(index, (this.uses.get(index) ?? 0) + 1);
  }

  private state(): State {
    const key = keyOf(this.depth, this.section, this.field, this.inData, this.capture, this.stack);
    let s = STATES.get(key);
    if (s === undefined) {
      s = {
        depth: this.depth,
        section: this.section,
        field: this.field,
        inData: this.inData,
        capture: this.capture,
        stack: this.stack,
        key,
      };
      if (STATES.size < MAX_STATES) STATES.set(key, s);
    }
    return s;
  }

  private element(el: XElement): void {
    this.elements++;
    this.maxOpen = Math.max(this.maxOpen, ++this.open);
    this.openElement(el.name);
    if (this.capture) {
      for (const attr of el.attrs) {
        if (!this.wantsAttr(attr.name)) continue;
        const parts: Part[] = [];
        for (const v of attr.value) {
          if (v.kind === 2) {
            this.use(v.index);
            parts.push((v.index << 1) | (v.optional ? 1 : 0));
          } else if (v.kind === 1) parts.push(v.text);
        }
        this.steps.push(this.attrStep(attr.name, parts));
      }
    } else for (const attr of el.attrs) for (const v of attr.value) if (v.kind === 2) this.use(v.index);
    this.nodes(el.children);
    this.closeElement();
    this.open--;
  }

  private openElement(name: string): void {
    this.captures.push(this.capture);
    const d = ++this.depth;
    if (d === 1) {
      this.capture = false;
      return;
    }
    if (d === 2) {
      this.section = sectionOf(name);
      this.capture = this.section === EVENT_DATA || this.section === PAYLOAD;
      if (this.section === PAYLOAD) {
        this.stack++;
        this.steps.push(this.step(S_EL_OPEN, [], 0, name));
      }
      return;
    }
    switch (this.section) {
      case SYSTEM:
        this.field = d === 3 ? (SYSTEM_FIELDS.get(name) ?? F_OTHER) : F_OTHER;
        this.capture = this.field !== F_OTHER;
        return;
      case EVENT_DATA:
        if (d === 3 && name === 'Data') {
          this.inData = true;
          this.dataElements = this.elements;
          this.steps.push(this.step(S_DATA_OPEN));
          return;
        }
        if (this.inData) return;
        break;
      case PAYLOAD:
        break;
      default:
        return;
    }
    this.stack++;
    this.steps.push(this.step(S_EL_OPEN, [], 1, name));
  }

  private wantsAttr(name: string): boolean {
    if (this.section !== SYSTEM) return true;
    return this.field === F_PROVIDER ? name === 'Name' : this.field === F_TIME && name === 'SystemTime';
  }

  private attrStep(name: string, parts: Part[]): Step {
    switch (this.section) {
      case SYSTEM:
        if (this.field === F_PROVIDER && name === 'Name') return this.step(S_PROVIDER, parts);
        if (this.field === F_TIME && name === 'SystemTime') return this.step(S_TIME, parts);
        return this.step(S_COUNT, parts);
      case EVENT_DATA:
        if (this.inData) return this.step(this.depth === 3 && name === 'Name' ? S_DATA_NAME : S_COUNT, parts);
        break;
      case PAYLOAD:
        break;
      default:
        return this.step(S_COUNT, parts);
    }
    return this.stack > 0 ? this.step(S_EL_ATTR, parts, 0, name) : this.step(S_COUNT, parts);
  }

  private textStep(parts: Part[]): Step {
    switch (this.section) {
      case SYSTEM:
        return this.field !== F_OTHER ? this.step(S_FIELD, parts, this.field) : this.step(S_COUNT, parts);
      case EVENT_DATA:
        if (this.inData) return this.step(S_DATA_TEXT, parts);
        if (this.depth > 2 && this.stack > 0) return this.step(S_EL_TEXT, parts);
        return this.step(S_COUNT, parts);
      case PAYLOAD:
        return this.stack > 0 ? this.step(S_EL_TEXT, parts) : this.step(S_COUNT, parts);
      default:
        return this.step(S_COUNT, parts);
    }
  }

  private closeElement(): void {
    const d = this.depth--;
    switch (this.section) {
      case SYSTEM:
        if (d === 3) this.field = F_OTHER;
        break;
      case EVENT_DATA:
        if (this.inData) {
          if (d === 3) {
            this.inData = false;
            const close = this.step(S_DATA_CLOSE);
            close.leaf = this.elements === this.dataElements;
            this.steps.push(close);
          }
        } else if (d >= 3) {
          this.stack--;
          this.steps.push(this.step(S_EL_CLOSE, [], d === 3 ? 1 : 0));
        }
        break;
      case PAYLOAD:
        this.stack--;
        this.steps.push(this.step(S_EL_CLOSE, [], d === 2 ? 2 : 0));
        break;
    }
    if (d === 2) this.section = NONE;
    this.capture = this.captures.pop() ?? false;
  }
}

/** The template's plan for the given place in the event (compiled on first use); null: none. */
function planFor(template: TemplateDefinition, state: State): Plan | null {
  const key = state.key;
  template.plans ??= new Map();
  const cached = template.plans.get(key) ?? template.local?.get(key);
  if (cached !== undefined) return cached;
  let plan: Plan | null = null;
  try {
    const c = new Compiler(state);
    c.nodes(template.nodes);
    const subs = [...c.subs];
    const direct = directData(c.steps);
    const steps = fuse(c.steps);
    plan = {
      steps,
      subs,
      maxIndex: subs.length === 0 ? -1 : Math.max(...subs),
      elements: c.elements,
      maxOpen: c.maxOpen,
      hasData: c.steps.some((s) => s.kind === S_DATA_CLOSE || (s.kind === S_EL_CLOSE && s.field !== 0)),
      direct,
      arrayOk: arrayOk(steps, c.uses),
    };
  } catch (err) {
    if (!(err instanceof Unplannable)) throw err;
  }
  keep(template, key, plan);
  return plan;
}

/** Keeps a plan just compiled with its template (a shared one only within the cache's budget). */
function keep(template: TemplateDefinition, key: number, plan: Plan | null): void {
  const budget = template.shared;
  const cost = 1 + (plan === null ? 0 : plan.steps.length);
  if (budget === undefined) template.plans!.set(key, plan);
  else if (budget.steps >= cost) {
    budget.steps -= cost;
    template.plans!.set(key, plan);
  } else {
    template.local ??= new Map();
    template.local.set(key, plan);
  }
}

/**
 * Whether the plan's data map can be written as JSON as it is read (Plan.direct); if so, each
 * S_DATA_CLOSE step gets the JSON text before its value: the previous value's closing quote and a
 * comma (but for the first), the key, a colon and the value's opening quote. The keys are
 * the ones DataBuilder.eventData gives: the Name, or '#0', '#1', ... in order for a <Data> without.
 */
function directData(steps: Step[]): boolean {
  const keys = new Set<string>();
  let name: string | undefined;
  let unnamed = 0;
  let direct = true;
  for (const step of steps) {
    switch (step.kind) {
      case S_EL_OPEN:
      case S_EL_ATTR:
      case S_EL_TEXT:
      case S_EL_CLOSE:
        direct = false;
        break;
      case S_DATA_OPEN:
        name = undefined;
        break;
      case S_DATA_NAME:
        if (step.parts.some((p) => typeof p !== 'string')) direct = false;
        else if (step.parts.length > 0) name = step.parts.join('');
        break;
      case S_DATA_CLOSE: {
        const key = name ? name : `#${unnamed++}`;
        if (keys.has(key) || unsafeKey(key)) direct = false;
        step.name = `${keys.size > 0 ? '",' : ''}${JSON.stringify(key)}:"`;
        keys.add(key);
        break;
      }
    }
  }
  return direct;
}

/**
 * The steps with each plain <Data> element (S_DATA_OPEN, an S_DATA_NAME of constant text or none,
 * an S_SUB whose text is the element's whole text, S_DATA_CLOSE) made one S_DATA_VALUE step, which
 * does what the four do (the Name's characters counted, the value rendered and counted, the entry
 * written); for a Binary XML value there it runs the four. Call after directData,
 * which gives S_DATA_CLOSE its JSON text.
 */
function fuse(steps: Step[]): Step[] {
  const out: Step[] = [];
  for (let k = 0; k < steps.length; k++) {
    const open = steps[k]!;
    const hasName = steps[k + 1]?.kind === S_DATA_NAME;
    const name = hasName ? steps[k + 1]! : null;
    const sub = steps[k + (hasName ? 2 : 1)];
    const close = steps[k + (hasName ? 3 : 2)];
    if (
      open.kind !== S_DATA_OPEN ||
      name?.parts.some((p) => typeof p !== 'string') ||
      sub?.kind !== S_SUB ||
      sub.inner?.kind !== S_DATA_TEXT ||
      sub.inner.parts.length !== 1 ||
      sub.inner.parts[0] !== sub.field ||
      close?.kind !== S_DATA_CLOSE
    ) {
      out.push(open);
      continue;
    }
    const fused = {
      ...close,
      kind: S_DATA_VALUE,
      field: sub.field,
      unfused: steps.slice(k, k + (hasName ? 4 : 3)),
    };
    if (name !== null && name.parts.length > 0) {
      fused.key = name.parts.join('');
      fused.keyChars = fused.key.length;
    }
    out.push(fused);
    k += hasName ? 3 : 2;
  }
  return out;
}

/** The substitutions of Plan.arrayOk: those used only as the value of leaf S_DATA_VALUE steps. */
function arrayOk(steps: readonly Step[], uses: ReadonlyMap<number, number>): ReadonlySet<number> {
  const fused = new Map<number, number>();
  for (const step of steps)
    if (step.kind === S_DATA_VALUE && step.leaf)
      fused.set(step.field >> 1, (fused.get(step.field >> 1) ?? 0) + 1);
  const ok = new Set<number>();
  for (const [index, n] of fused) if (uses.get(index) === n) ok.add(index);
  return ok;
}

/** Deepest splice of Binary XML values the fast path follows (real records use one). */
const MAX_FAST_NESTING = Math.min(4, MAX_NESTING);

/**
 * Values that need escaping, escaped: in a log the same ones come again and again, and a look-up
 * costs a fraction of escaping. At most ESCAPED_MAX values of at most ESCAPED_LONGEST characters;
 * emptied when full.
 */
const ESCAPED = new Map<string, string>();
const ESCAPED_MAX = 256;
const ESCAPED_LONGEST = 1024;

/**
 * The steps keeping a long value (see escaped), and the characters kept since they were last let
 * go: all are let go past KEPT_MAX, so that what steps keep stays small whatever the log holds
 * (the shared templates' steps live as long as the reader).
 */
let kept: Step[] = [];
let keptChars = 0;
const KEPT_MAX = 1 << 18;

/**
 * `s`, written by `step`, as the inside of a JSON string, knowing how much it needs escaping. A
 * long value (ESCAPE_MAYBE: utf16 did not look at it) is kept on its step with its JSON: the next
 * record of its kind often has the same one (Security's privilege lists, with their line breaks
 * and tabs), and comparing it with the last costs less than hashing it for ESCAPED, which values
 * seen once (paths, messages) would only fill.
 */
function escaped(s: string, level: number, step: Step): string {
  if (level === ESCAPE_NONE) return s;
  if (level !== ESCAPE_SOME) {
    if (s.length > ESCAPED_LONGEST) return inner(s);
    if (s !== step.lastValue) {
      keptChars += s.length;
      if (keptChars > KEPT_MAX) {
        for (const k of kept) {
          k.lastValue = '';
          k.lastJson = '';
        }
        kept = [];
        keptChars = s.length;
      }
      if (step.lastValue === '') kept.push(step);
      step.lastValue = s;
      step.lastJson = inner(s);
    }
    return step.lastJson;
  }
  if (s.length > ESCAPED_LONGEST) return JSON.stringify(s).slice(1, -1);
  let e = ESCAPED.get(s);
  if (e === undefined) {
    e = JSON.stringify(s).slice(1, -1);
    if (ESCAPED.size >= ESCAPED_MAX) ESCAPED.clear();
    ESCAPED.set(s, e);
  }
  return e;
}

const PROVIDER_BIT = 1 << F_PROVIDER;
const TIME_BIT = 1 << F_TIME;

const DATA_NONE = 0;
const DATA_JSON = 1;
const DATA_BUILDER = 2;

/**
 * The value descriptor arrays, shared by every chunk's PlanReader instead of made again for each
 * (a record is read through them from start to end without a pause, so readers never overlap).
 */
let scratch: { types: Int32Array; offsets: Int32Array; sizes: Int32Array } | null = null;

/** Reads records of one chunk through their plans; `read` returns null to ask for the generic path. */
export class PlanReader {
  private types: Int32Array;
  private offsets: Int32Array;
  private sizes: Int32Array;
  private used = 0;
  private template: TemplateDefinition | null = null;
  /** Whether the template instance `instance` read last has an array value. */
  private arrays = false;
  // The record being read (EventSink's fields).
  private readonly texts: string[] = ['', '', '', '', '', '', '', ''];
  private provider: string | undefined;
  private time: string | undefined;
  private dataName: string | undefined;
  private dataText = '';
  /** Whether dataText needs escaping in JSON: ESCAPE_NONE, ESCAPE_MAYBE or ESCAPE_SOME (utf16.ts). */
  private dataEscape = ESCAPE_NONE;
  /** Whether the value `joined` gave last needs escaping in JSON, the same way. */
  private escape = ESCAPE_NONE;
  /** The fields (bit 1 << F_x) that may need escaping in JSON. */
  private escapes = 0;
  /** How the record's data map is kept: DATA_NONE yet, DATA_JSON as text, DATA_BUILDER in `data`. */
  private dataMode = DATA_NONE;
  private data: DataBuilder | null = null;
  /** DATA_JSON: the map's entries as JSON text, without the braces. */
  private dataJson = '';
  private readonly stack: XmlElement[] = [];
  private chars = 0;
  private elements = 0;

  /** `json`: records are read for readJson, whose data maps may be written as text. */
  constructor(
    private readonly ctx: ChunkContext,
    private readonly json = false,
  ) {
    scratch ??= { types: new Int32Array(256), offsets: new Int32Array(256), sizes: new Int32Array(256) };
    this.types = scratch.types;
    this.offsets = scratch.offsets;
    this.sizes = scratch.sizes;
  }

  /** The record at chunk offset `pos` (its size checked by the caller), or null. */
  read(pos: number, size: number, source: string | undefined, headerId: number): EventRecord | null {
    if (!this.record(pos, size)) return null;
    const data = (this.data ?? new DataBuilder()).data;
    return makeRecord(source, headerId, this.ctx.data, pos, this.texts, this.time, this.provider, data);
  }

  /** The JSON text of the record `read` gives (JSON.stringify's, byte for byte), or null. */
  readJson(pos: number, size: number, source: string | undefined, headerId: number): string | null {
    if (!this.record(pos, size)) return null;
    const data =
      this.dataMode === DATA_JSON && this.dataJson !== ''
        ? `{${this.dataJson}"}`
        : this.data === null
          ? '{}'
          : JSON.stringify(this.data.data);
    const { texts, time, provider, escapes } = this;
    return recordJson(source, headerId, this.ctx.data, pos, texts, time, provider, data, escapes);
  }

  /** Reads the record into the fields above; false: use the generic path. */
  private record(pos: number, size: number): boolean {
    this.used = 0;
    const texts = this.texts;
    for (let i = 0; i < texts.length; i++) texts[i] = '';
    this.provider = undefined;
    this.time = undefined;
    this.dataMode = DATA_NONE;
    this.data = null;
    this.dataJson = '';
    this.escapes = 0;
    // Setting an array's length is a call into the runtime: only when there is something to drop.
    if (this.stack.length !== 0) this.stack.length = 0;
    this.chars = 0;
    this.elements = 0;
    try {
      return this.stream(pos + 24, pos + size - 4, ROOT, 0, 0);
    } catch (err) {
      if (err instanceof EvtxFormatError) return false;
      throw err;
    }
  }

  /** A stream that is one template instance: its plan run at `state`. False: use the generic path. */
  private stream(start: number, end: number, state: State, level: number, open: number): boolean {
    const b = this.ctx.data;
    // An optional fragment header, then the template instance (Binary XML values have no header).
    const at = b[start] === 0x0f ? start + 4 : start;
    if (level > MAX_FAST_NESTING || at >= end || b[at] !== 0x0c) return false;
    const base = this.used;
    const next = this.instance(at, end);
    // What follows an end-of-stream token is not read (as in parseStream).
    if (next < 0 || (next !== end && b[next] !== 0x00)) return false;
    const template = this.template!;
    const count = this.used - base;
    const plan = planFor(template, state);
    if (plan === null || plan.maxIndex >= count) return false;
    let arrays = false;
    if (this.arrays)
      for (const i of plan.subs)
        if (this.types[base + i]! & 0x80) {
          if (!plan.arrayOk.has(i)) return false;
          arrays = true;
        }
    this.elements += plan.elements;
    if (this.elements > MAX_ELEMENTS || open + plan.maxOpen > MAX_OPEN) return false;
    return this.run(plan, base, level, open, arrays);
  }

  /**
   * The template instance at `pos` (its 0x0c token): the checks of binxml.ts readInstance, the
   * descriptors into the typed arrays from `used` on. Returns the offset after the values, or -1.
   */
  private instance(pos: number, end: number): number {
    const b = this.ctx.data;
    if (pos + 10 > end) return -1;
    const defOffset = u32(b, pos + 6);
    let p = pos + 10;
    if (defOffset === p) {
      if (p + 24 > end) return -1;
      p += 24 + u32(b, p + 20);
      if (p > end) return -1;
    }
    this.template = readTemplate(this.ctx, defOffset);
    if (p + 4 > end) return -1;
    const count = u32(b, p);
    p += 4;
    if (count * 4 > end - p) return -1;
    const base = this.used;
    this.reserve(base + count);
    const types = this.types;
    const offsets = this.offsets;
    const sizes = this.sizes;
    let v = p + 4 * count;
    let arrays = 0;
    for (let i = base; i < base + count; i++, p += 4) {
      const size = u16(b, p);
      const type = b[p + 2]!;
      if (!isKnownType(type)) return -1;
      arrays |= type & 0x80;
      types[i] = type;
      offsets[i] = v;
      sizes[i] = size;
      v += size;
    }
    if (v > end) return -1;
    this.used = base + count;
    this.arrays = arrays !== 0;
    return v;
  }

  private builder(): DataBuilder {
    this.data ??= new DataBuilder();
    return this.data;
  }

  private reserve(n: number): void {
    if (n <= this.types.length) return;
    const grow = (a: Int32Array) => {
      const g = new Int32Array(Math.max(n, a.length * 2));
      g.set(a);
      return g;
    };
    this.types = grow(this.types);
    this.offsets = grow(this.offsets);
    this.sizes = grow(this.sizes);
    scratch = { types: this.types, offsets: this.offsets, sizes: this.sizes };
  }

  /** Substitution `part` (index << 1 | optional) as text; null: adds nothing; undefined: too small. */
  private value(part: number, base: number): string | null | undefined {
    const i = base + (part >> 1);
    const type = this.types[i]!;
    if (type === 0) return part & 1 ? null : '';
    if (type === 0x21) return '';
    const s = renderValue(this.ctx.data, type, this.offsets[i]!, this.sizes[i]!);
    // Only strings can hold what JSON escapes (utf16 and ansi say whether they do).
    if (type === 0x01 || type === 0x02) this.escape = Math.max(this.escape, decodedText.escape);
    return s === null ? undefined : s;
  }

  /** A value's parts joined; null when every part adds nothing; undefined: use the generic path. */
  private joined(parts: Part[], base: number): string | null | undefined {
    if (parts.length === 1) {
      const p = parts[0]!;
      const s = typeof p === 'string' ? p : this.value(p, base);
      if (typeof s === 'string') this.chars += s.length;
      return s;
    }
    let out: string | null = null;
    for (const p of parts) {
      const s = typeof p === 'string' ? p : this.value(p, base);
      if (s === undefined) return undefined;
      if (s !== null) out = out === null ? s : out + s;
    }
    if (out !== null) this.chars += out.length;
    return out;
  }

  /** An S_DATA_VALUE step (see fuse) whose value is not Binary XML; false: use the generic path. */
  private dataValue(step: Step, base: number): boolean {
    this.chars += step.keyChars;
    this.escape = ESCAPE_NONE;
    const s = this.value(step.field, base);
    if (s === undefined) return false;
    const text = s ?? '';
    this.chars += text.length;
    if (this.chars > MAX_CHARS) return false;
    if (this.dataMode === DATA_JSON) this.dataJson += step.name + escaped(text, this.escape, step);
    else this.builder().eventData(step.key, text);
    return true;
  }

  /** Runs a plan; `arrays`: an array value fills some of its <Data> elements (their keys are then not the plan's). */
  /**
   * An S_DATA_VALUE step whose value is an array (Plan.arrayOk): one <Data> element an item, as
   * render.ts repeats it (its Name and text counted each time); false: use the generic path (which
   * reports an array that does not divide into items).
   */
  private dataArray(step: Step, base: number): boolean {
    const i = base + (step.field >> 1);
    const items = renderArray(this.ctx.data, this.types[i]!, this.offsets[i]!, this.sizes[i]!);
    if (items === null) return false;
    const n = Math.max(items.length, 1);
    this.elements += n - 1;
    if (this.elements > MAX_ELEMENTS) return false;
    const data = this.builder();
    for (let k = 0; k < n; k++) {
      const text = items[k] ?? '';
      this.chars += step.keyChars + text.length;
      if (this.chars > MAX_CHARS) return false;
      data.eventData(step.key, text);
    }
    return true;
  }

  private run(plan: Plan, base: number, level: number, open: number, arrays: boolean): boolean {
    if (plan.hasData) {
      // A second plan putting data could repeat the first one's keys: the generic path sorts that out.
      if (this.dataMode === DATA_JSON) return false;
      if (this.dataMode === DATA_NONE)
        this.dataMode = this.json && plan.direct && !arrays ? DATA_JSON : DATA_BUILDER;
    }
    return this.steps(plan.steps, base, level, open);
  }

  private steps(steps: Step[], base: number, level: number, open: number): boolean {
    for (let k = 0; k < steps.length; k++) {
      let step = steps[k]!;
      let v: string | null | undefined = null;
      if (step.kind === S_DATA_VALUE) {
        const type = this.types[base + (step.field >> 1)]!;
        const ok =
          type === 0x21
            ? this.steps(step.unfused!, base, level, open)
            : type & 0x80
              ? this.dataArray(step, base)
              : this.dataValue(step, base);
        if (!ok) return false;
        continue;
      }
      if (step.kind === S_SUB) {
        const i = base + (step.field >> 1);
        if (this.types[i] === 0x21) {
          const size = this.sizes[i]!;
          if (size === 0) continue;
          if (step.nest === null) return false;
          const off = this.offsets[i]!;
          if (!this.stream(off, off + size, step.nest, level + 1, open + step.openAt)) return false;
          continue;
        }
        if (step.inner === null) continue;
        step = step.inner;
      }
      if (step.parts.length > 0) {
        this.escape = step.plain ? ESCAPE_NONE : ESCAPE_SOME;
        v = this.joined(step.parts, base);
        if (v === undefined || this.chars > MAX_CHARS) return false;
      }
      switch (step.kind) {
        case S_PROVIDER:
          if (v !== null) {
            this.provider = v;
            this.escapes = this.escape !== 0 ? this.escapes | PROVIDER_BIT : this.escapes & ~PROVIDER_BIT;
          }
          break;
        case S_TIME:
          if (v !== null) {
            this.time = v;
            this.escapes = this.escape !== 0 ? this.escapes | TIME_BIT : this.escapes & ~TIME_BIT;
          }
          break;
        case S_FIELD:
          if (v !== null) {
            this.texts[step.field] += v;
            if (this.escape !== 0) this.escapes |= 1 << step.field;
          }
          break;
        case S_DATA_OPEN:
          this.dataName = undefined;
          this.dataText = '';
          this.dataEscape = ESCAPE_NONE;
          break;
        case S_DATA_NAME:
          if (v !== null) this.dataName = v;
          break;
        case S_DATA_TEXT:
          if (v !== null) {
            this.dataText += v;
            this.dataEscape = Math.max(this.dataEscape, this.escape);
          }
          break;
        case S_DATA_CLOSE:
          if (this.dataMode === DATA_JSON)
            this.dataJson += step.name + escaped(this.dataText, this.dataEscape, step);
          else this.builder().eventData(this.dataName, this.dataText);
          break;
        case S_EL_OPEN: {
          const el: XmlElement = { name: step.name, attributes: [], children: [] };
          const parent = this.stack[this.stack.length - 1];
          if (step.field === 1 && parent !== undefined) parent.children.push(el);
          this.stack.push(el);
          break;
        }
        case S_EL_ATTR:
          if (v !== null) this.stack[this.stack.length - 1]?.attributes.push([step.name, v]);
          break;
        case S_EL_TEXT:
          if (v !== null) this.stack[this.stack.length - 1]?.children.push(v);
          break;
        case S_EL_CLOSE: {
          const el = this.stack.pop()!;
          if (step.field === 1) this.builder().element(el, '');
          else if (step.field === 2) this.builder().container(el);
          break;
        }
      }
    }
    return true;
  }
}
