// Stable pseudonyms: the same value gets the same name everywhere in one report, so the redacted text
// still reads ("<tenant-1> in the URL is the TenantId above"). Numbering is per kind, in the order the
// values were first seen.
import { hasSuffix, KEPT_SUFFIXES, TENANT_PREFIXED_SUFFIXES } from './vocabulary.js';

export type IdentifierKind =
  | 'tenant'
  | 'tenant-name'
  | 'device'
  | 'computer'
  | 'domain'
  | 'host'
  | 'user'
  | 'thumbprint'
  | 'key'
  | 'sid'
  | 'ip'
  | 'serial'
  | 'correlation'
  | 'request'
  | 'guid'
  | 'hex'
  | 'token'
  | 'data'
  | 'time';

export interface Pseudonym {
  kind: IdentifierKind;
  /** What is printed instead of the value: `<tenant-1>`, `user2`, `<domain-1>.local`. */
  label: string;
  /** The value as first seen (kept in memory only, for the leak check). */
  original: string;
}

const GUID_LIKE = /^\{?\s*[0-9a-fx]{6,8}-[0-9a-fx]{3,4}-[0-9a-fx]{3,4}-[0-9a-fx]{4}-[0-9a-fx]{8,12}\s*\}?$/i;
const HEX_ID = /^[0-9a-f]{32,}$/i;

/** The form a value is looked up by: GUIDs without braces, everything lower case and trimmed. */
export function lookupKey(value: string): string {
  const v = value.trim().toLowerCase();
  if (v.length <= 128 && GUID_LIKE.test(v)) return v.replace(/[{}\s]/g, '');
  return v;
}

export function isGuidLike(value: string): boolean {
  return value.length <= 128 && GUID_LIKE.test(value.trim());
}

export function isHexId(value: string): boolean {
  // Bounded: a megabyte of hex digits is a blob, and the pattern would overflow the stack on it.
  return value.length <= 1024 && HEX_ID.test(value.trim());
}

/** The suffix of a dotted name that is kept after the pseudonym, if any. */
export function keptSuffix(name: string): string | undefined {
  const n = name.toLowerCase();
  return KEPT_SUFFIXES.find((s) => hasSuffix(n, s) && n !== s);
}

export class PseudonymTable {
  private readonly byKey = new Map<string, Pseudonym>();
  private readonly counters = new Map<IdentifierKind, number>();
  private version = 0;

  /**
   * Changes whenever a value is added that is looked for as a word (not a GUID or a hex ID, which
   * their own patterns find): callers cache matchers on it.
   */
  get revision(): number {
    return this.version;
  }

  get(value: string): Pseudonym | undefined {
    return this.byKey.get(lookupKey(value));
  }

  /**
   * The pseudonym of a value, created on first sight. A value already known keeps its first kind:
   * the NetBIOS domain CONTOSO and the tenant name Contoso are the same word and read the same.
   */
  name(kind: IdentifierKind, value: string): string {
    const key = lookupKey(value);
    const known = this.byKey.get(key);
    if (known) return known.label;
    let label: string;
    // A kept suffix stays on any dotted name (a TenantName of corp.local is still a .local name).
    const suffix = kind !== 'time' && kind !== 'data' && key.includes('.') ? keptSuffix(key) : undefined;
    if (suffix) {
      // corp.local -> <domain-1>.local, and the bare "corp" (the NetBIOS name) -> <domain-1> too.
      const base = value.trim().slice(0, value.trim().length - suffix.length - 1);
      const baseLabel = this.name(TENANT_PREFIXED_SUFFIXES.includes(suffix) ? 'domain' : kind, base);
      label = `${baseLabel}.${suffix}`;
    } else {
      const n = (this.counters.get(kind) ?? 0) + 1;
      this.counters.set(kind, n);
      label = kind === 'user' ? `user${n}` : `<${kind}-${n}>`;
    }
    this.byKey.set(key, { kind, label, original: value.trim() });
    if (!isGuidLike(value) && !isHexId(value)) this.version++;
    return label;
  }

  entries(): Pseudonym[] {
    return [...this.byKey.values()];
  }
}
