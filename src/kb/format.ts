// The forms one 32-bit code takes: unsigned value, lower-case hex, signed decimal.

/** The unsigned 32-bit value of a number given signed or unsigned. */
export function toUnsigned(value: number): number {
  return value >>> 0;
}

/** The signed 32-bit value (how PowerShell and event logs often print HRESULTs). */
export function toSigned(value: number): number {
  return value | 0;
}

/** Lower case, no padding: 0x801c03f2, 0x2ee2, 0x0. */
export function toHex(value: number): string {
  return `0x${toUnsigned(value).toString(16)}`;
}

/** The 0x-prefixed hex codes in a text, in order: "FAIL [0x801c0021/0x80072ee2]" -> [0x801c0021, 0x80072ee2]. */
export function findHexCodes(text: string): number[] {
  const out: number[] = [];
  if (!text.includes('0x') && !text.includes('0X')) return out;
  HEX_CODE.lastIndex = 0;
  for (let m = HEX_CODE.exec(text); m !== null; m = HEX_CODE.exec(text)) {
    out.push(Number.parseInt(m[1]!, 16) >>> 0);
  }
  return out;
}

// Shared, reset before each search (matchAll would copy it on every call); no match is empty.
const HEX_CODE = /\b0x([0-9a-f]{1,8})\b/gi;
