// JSON text written by hand for readEvtxJson, byte for byte what JSON.stringify writes for the same
// record (test/evtx-json.test.ts and scripts/evtx-same.mjs compare the two): a string that needs
// no escape is quoted as it is, any other goes through JSON.stringify (quotes, backslashes, control
// characters, and surrogates: a lone one is written as \udXXX).
import { F_CHANNEL, F_COMPUTER, F_EVENT_ID, F_LEVEL, F_RECORD_ID, toInt } from './event.js';
import { filetime } from './values.js';

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

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
  if (key in EMPTY) return true;
  if (!/^(?:0|[1-9][0-9]*)$/.test(key)) return false;
  return Number(key) < 2 ** 32 - 1;
}
const EMPTY = {};

/**
 * The JSON of the EventRecord makeRecord (event.ts) builds from the same fields, keys in the same
 * order; `data` is the data map's JSON text.
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
): string {
  let s = source === undefined ? '{"recordId":' : `{"source":${quote(source)},"recordId":`;
  s += toInt(t[F_RECORD_ID]!) ?? headerId;
  s += `,"time":${quote(time || filetime(chunk, header + 16))},"provider":${quote(provider ?? '')}`;
  if (t[F_CHANNEL]) s += `,"channel":${quote(t[F_CHANNEL])}`;
  s += `,"eventId":${toInt(t[F_EVENT_ID]!) ?? 0},"level":${toInt(t[F_LEVEL]!) ?? 0}`;
  if (t[F_COMPUTER]) s += `,"computer":${quote(t[F_COMPUTER])}`;
  return `${s},"data":${data}}`;
}
