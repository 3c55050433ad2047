// From an event's payload elements (EventData, UserData, ProcessingErrorData, ...) to the flat
// `data` map of an EventRecord. Shared with the other readers of event XML so that every input
// kind names the same value the same way:
// - EventData: <Data Name="X"> gives key X; unnamed <Data> elements give '#0', '#1', ... in order;
//   any other child (Binary, ...) is flattened like UserData.
// - UserData: dotted paths of element names below it ("EventXML.param1"), one key per leaf
//   element; attributes as "path@name" too (xmlns declarations left out), since some providers
//   (CAPI2) put every value in attributes.
// - Other payloads (ProcessingErrorData, ...): the same, under the container's name
//   ("ProcessingErrorData.ErrorCode").
// - A key seen again (an array substitution repeats its element; UserData repeats names) gets
//   "#1", "#2", ... so no value is lost and the first keeps the plain key (as the XML reader does).

/** An XML element as the readers see it: attributes in order, children as elements or text. */
export interface XmlElement {
  name: string;
  attributes: Array<[string, string]>;
  children: Array<XmlElement | string>;
}

/** The `data` map of one event from its payload containers, in document order. */
export function payloadData(containers: readonly XmlElement[]): Record<string, string> {
  const builder = new DataBuilder();
  for (const container of containers) builder.container(container);
  return builder.data;
}

/** Builds one event's `data` map: the rules above, for readers that see elements one by one. */
export class DataBuilder {
  readonly data: Record<string, string> = {};
  private repeats: Map<string, number> | undefined;
  private unnamed = 0;

  /** Sets a key; a key seen before gets the next free "#n" suffix. */
  put(key: string, value: string): void {
    const out = this.data;
    let k = key;
    // `in` also sees Object.prototype's names: those take the exact (slower) path below.
    if (k in out) {
      if (Object.hasOwn(out, k)) {
        this.repeats ??= new Map();
        let n = this.repeats.get(key) ?? 1;
        while (Object.hasOwn(out, `${key}#${n}`)) n++;
        this.repeats.set(key, n + 1);
        k = `${key}#${n}`;
      }
      if (k === '__proto__') {
        Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
        return;
      }
    }
    out[k] = value;
  }

  /** One <Data> element of EventData: by its Name, or the next '#n' when it has none. */
  eventData(name: string | undefined, value: string): void {
    this.put(name ? name : `#${this.unnamed++}`, value);
  }

  /** Any other element below a payload container, flattened under `prefix`. */
  element(el: XmlElement, prefix: string): void {
    flatten(el, prefix, this);
  }

  /** A whole payload container (EventData, UserData, ProcessingErrorData, ...). */
  container(container: XmlElement): void {
    const isEventData = container.name === 'EventData';
    const prefix = isEventData || container.name === 'UserData' ? '' : container.name;
    for (const child of container.children) {
      if (typeof child === 'string') continue;
      if (isEventData && child.name === 'Data') this.eventData(attribute(child, 'Name'), textContent(child));
      else flatten(child, prefix, this);
    }
  }
}

function flatten(el: XmlElement, prefix: string, out: DataBuilder): void {
  const path = prefix ? `${prefix}.${el.name}` : el.name;
  for (const [name, value] of el.attributes) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    out.put(`${path}@${name}`, value);
  }
  let text = '';
  let hasElements = false;
  for (const child of el.children) {
    if (typeof child === 'string') text += child;
    else hasElements = true;
  }
  if (!hasElements) {
    out.put(path, text);
    return;
  }
  if (text.trim() !== '') out.put(path, text);
  for (const child of el.children) if (typeof child !== 'string') flatten(child, path, out);
}

export function attribute(el: XmlElement, name: string): string | undefined {
  for (const [n, v] of el.attributes) if (n === name) return v;
  return undefined;
}

export function textContent(el: XmlElement): string {
  let s = '';
  for (const child of el.children) s += typeof child === 'string' ? child : textContent(child);
  return s;
}
