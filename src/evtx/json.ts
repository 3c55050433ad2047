// JSON text written by hand for readEvtxJson, byte for byte what JSON.stringify writes for the same
// record (test/evtx-json.test.ts and scripts/evtx-same.mjs compare the two): a string that needs
// no escape is quoted as it is, any other goes through JSON.stringify (quotes, backslashes, control
// characters, and surrogates: a lone one is written as \udXXX).
import {
  F_CHANNEL,
  F_COMPUTER,
  F_EVENT_ID,
  F_LEVEL,
  F_PROVIDER,
  F_RECORD_ID,
  F_TIME,
  toInt,
} from './event.js';
import { filetime } from './values.js';

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** True when `s` has a character JSON must escape. */
export function needsEscape(s: string): boolean {
  return NEEDS_ESCAPE.test(s);
}

/** `s` as a JSON string. */
export function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** `s` as the inside of a JSON string (without its quotes). */
export function inner(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s).slice(1, -1) : s;
}

/** True when JSON.stringify would not write `key` where it was inserted (an array index) or an object would not keep it as set. */
export function unsafeKey(key: string): boolean {
  const c = key.charCodeAt(0);
  // Object.prototype's names (constructor, __proto__, toString ...) start with a letter or '_'.
  if (((c >= 0x61 && c <= 0x7a) || c === 0x5f) && key in EMPTY) return true;
  if (c < 0x30 || c > 0x39 || !/^(?:0|[1-9][0-9]*)$/.test(key)) return false;
  return Number(key) < 2 ** 32 - 1;
}
const EMPTY = {};

/** `s` as a JSON string; `escape` false: the caller knows it has nothing to escape. */
function field(s: string, escapes: boolean): string {
  return escapes ? quote(s) : `"${s}"`;
}

let lastSource = '';
let lastSourceJson = '""';

/**
 * The JSON of the EventRecord makeRecord (event.ts) builds from the same fields, keys in the same
 * order; `data` is the data map's JSON text. `escapes` has bit `1 << F_x` set for each field (the
 * F_ numbers of event.ts, F_PROVIDER and F_TIME for `provider` and `time`) that may need escaping.
 */
export function recordJson(
  source: string | undefined,
  headerId: number,
  chunk: Uint8Array,
  header: number,
  t: readonly string[],
  time: string | undefined,
  provider: string | undefined,
  data: string,
  escapes: number,
): string {
  let s = '{"recordId":';
  if (source !== undefined) {
    // Every record of a file has the same source.
    if (source !== lastSource) {
      lastSource = source;
      lastSourceJson = quote(source);
    }
    s = `{"source":${lastSourceJson},"recordId":`;
  }
  s += toInt(t[F_RECORD_ID]!) ?? headerId;
  s += time
    ? `,"time":${field(time, (escapes & (1 << F_TIME)) !== 0)}`
    : `,"time":"${filetime(chunk, header + 16)}"`;
  s += `,"provider":${provider === undefined ? '""' : field(provider, (escapes & (1 << F_PROVIDER)) !== 0)}`;
  const channel = t[F_CHANNEL]!;
  if (channel) s += `,"channel":${field(channel, (escapes & (1 << F_CHANNEL)) !== 0)}`;
  s += `,"eventId":${toInt(t[F_EVENT_ID]!) ?? 0},"level":${toInt(t[F_LEVEL]!) ?? 0}`;
  const computer = t[F_COMPUTER]!;
  if (computer) s += `,"computer":${field(computer, (escapes & (1 << F_COMPUTER)) !== 0)}`;
  return `${s},"data":${data}}`;
}
