// Reading event values: field by name (or by position in exports that lost the names), and error
// codes in every form events carry them: signed or unsigned decimal ("3399811100" is 0xcaa5001c),
// hex, or inside text ("Error: -2146959355 (0x80080005)", "Unknown HResult Error code: 0x801c03f2").
import type { EventRecord } from '../events/types.js';

/** Whether the export kept no values at all (Event Viewer's CSV and Export-Csv keep only the message). */
export function messageOnly(rec: EventRecord): boolean {
  return Object.keys(rec.data).length === 0 && rec.message !== undefined;
}

/** A field by name, or by its position when the export kept only values ('#0', '#1', ...). */
export function field(rec: EventRecord, name: string, position?: number): string | undefined {
  const v = rec.data[name];
  if (v !== undefined) return v;
  if (position !== undefined) return rec.data[`#${position}`];
  // Field names differ in case between builds and exports.
  const lower = name.toLowerCase();
  for (const [k, val] of Object.entries(rec.data)) if (k.toLowerCase() === lower) return val;
  return undefined;
}

/**
 * The codes in a value, in order. A bare number is one 32-bit code (decimal, signed or not, or hex);
 * text yields every 0x-prefixed code it contains, and signed decimals written next to them.
 */
export function codesIn(value: string | undefined): number[] {
  if (value === undefined) return [];
  const v = value.trim();
  if (/^-?\d{1,10}$/.test(v)) {
    const n = Number(v);
    if (n >= -0x80000000 && n <= 0xffffffff) return [n >>> 0];
    return [];
  }
  if (/^0x[0-9a-f]{1,8}$/i.test(v)) return [Number.parseInt(v.slice(2), 16) >>> 0];
  const out: number[] = [];
  for (const m of v.matchAll(/\b0x([0-9a-f]{1,8})\b/gi)) {
    const n = Number.parseInt(m[1]!, 16) >>> 0;
    if (!out.includes(n)) out.push(n);
  }
  if (out.length === 0) {
    // "Error: -2146959355" without the hex beside it.
    for (const m of v.matchAll(/(?:error|status|code)\s*:?\s*(-\d{6,10}|\d{7,10})\b/gi)) {
      const n = Number(m[1]) >>> 0;
      if (!out.includes(n)) out.push(n);
    }
  }
  return out;
}

/** `key: value` lines (the DebugOutput of event 304, the server error of event 305). */
export function keyValues(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const line of text.split(/\r\n|\n|\r|\\r\\n/)) {
    const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s*:\s*(.*?)\s*$/.exec(line);
    if (m && !(m[1]! in out)) out[m[1]!] = m[2]!;
  }
  return out;
}

/**
 * What a DRS error says: JSON ({"ErrorType": ..., "Message": ...}) as event 204 carries it, or
 * "DirectoryError: message" as event 304 prints it.
 */
export function drsResponse(text: string | undefined): {
  errorType?: string;
  message?: string;
  subCode?: string;
} {
  if (!text) return {};
  const start = text.indexOf('{');
  if (start < 0) {
    // "DirectoryError: message", as event 304 prints the server error.
    const m = /\b([A-Z][A-Za-z]*Error)\b\s*[:.-]?\s*([\s\S]*)$/.exec(text.trim());
    if (!m) return {};
    const rest = m[2]!.trim();
    return rest ? { errorType: m[1]!, message: rest } : { errorType: m[1]! };
  }
  try {
    const j = JSON.parse(text.slice(start)) as Record<string, unknown>;
    const s = (k: string) => (typeof j[k] === 'string' ? (j[k] as string) : undefined);
    const out: { errorType?: string; message?: string; subCode?: string } = {};
    const errorType = s('ErrorType') ?? s('ErrorCode') ?? s('error');
    const message = s('Message') ?? s('ErrorMessage') ?? s('error_description');
    const subCode = s('ErrorSubCode');
    if (errorType) out.errorType = errorType;
    if (message) out.message = message;
    if (subCode) out.subCode = subCode;
    return out;
  } catch {
    return {};
  }
}

/** The values that say most about each event, in the order worth reading. */
const KEY_FIELDS: Record<number, string[]> = {
  201: ['ExitCode', 'HttpStatus', 'ServerMessage'],
  204: ['ExitCode', 'HttpStatus', 'ServerResponse'],
  220: ['ErrorCode'],
  304: ['ExitCode', 'ServerErrorMessage', 'DebugOutput', 'TenantType'],
  305: ['ExitCode', 'ServerErrorMessage', 'TenantType'],
  307: ['ExitCode'],
  1007: ['Status'],
  1022: ['value'],
  1081: ['Error', 'ErrorDescription'],
  1084: ['Result'],
  1085: ['Status'],
  1086: ['Status'],
  1088: ['Error', 'ErrorDescription'],
  1098: ['Error', 'AdditionalInformation'],
  1104: ['API', 'Result'],
  1144: ['Method'],
};

/** Fields whose numbers are error codes: shown in hex, as the guide writes them. */
const CODE_FIELDS = new Set(['ExitCode', 'ErrorCode', 'Status', 'Result', 'Error']);

/** A one-line summary of an event for evidence: its ID and its telling values, codes in hex. */
export function eventText(rec: EventRecord, keys?: string[]): string {
  const wanted = keys ?? KEY_FIELDS[rec.eventId];
  let entries = Object.entries(rec.data);
  if (wanted) {
    const picked = wanted
      .map((k) => [k, rec.data[k]] as const)
      .filter((e): e is [string, string] => e[1] !== undefined);
    if (picked.length > 0) entries = picked;
  }
  const values = entries
    .map(([k, v]) => {
      const flat = v.replace(/\s+/g, ' ').trim();
      const n = CODE_FIELDS.has(k) && /^-?\d{4,10}$/.test(flat) ? Number(flat) >>> 0 : undefined;
      return `${k}=${n !== undefined ? `0x${n.toString(16)}` : flat}`;
    })
    .join('; ');
  let text = `Event ${rec.eventId}${values ? `: ${values}` : ''}`;
  if (!values && rec.message) text += `: ${rec.message.replace(/\s+/g, ' ').trim()}`;
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
