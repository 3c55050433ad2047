#!/usr/bin/env node
// Generates src/kb/generated/generic-codes.ts, the table of generic Windows code names and values,
// from the headers that Debian's mingw-w64-common package installs (apt-get install mingw-w64-common).
//
//   node scripts/gen-codes.mjs                 write the table
//   node scripts/gen-codes.mjs --check         exit 1 if the committed table differs from the headers
//   node scripts/gen-codes.mjs --include DIR   read the headers from DIR (default below, or $MINGW_INCLUDE)
//   node scripts/gen-codes.mjs --out DIR       write (or check) the files in DIR instead of src/kb/generated
//
// Names and numbers are facts; no comment or message text is taken from the headers.
//
// Two files: facilities.ts (facility names, small, loaded with the code) and generic-codes.ts (the
// names, loaded on demand). The names are kept small because the browser page loads them: one
// block per (family, header); in a block the values ascend and are written as base-36 deltas
// joined by ',', and the names follow in the same order joined by ' '. Names that share a value
// keep the order the header gives them.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'src/kb/generated');
const DEFAULT_INCLUDE = '/usr/share/mingw-w64/include';

/**
 * The headers read, in order. `family(name, value)` says which family a definition belongs to,
 * or null to leave it out (helper macros, ranges, bases, non-code constants).
 */
const HEADERS = [
  { file: 'winerror.h', family: winerrorFamily },
  {
    file: 'ntstatus.h',
    family: (name) =>
      /^(STATUS|DBG|RPC_NT|EPT_NT)_/.test(name) && !/^STATUS_SEVERITY_/.test(name) ? 'ntstatus' : null,
  },
  {
    file: 'wininet.h',
    family: (name) => (/^ERROR_(INTERNET|FTP|GOPHER|HTTP)_/.test(name) ? 'wininet' : null),
  },
  {
    file: 'winineti.h',
    family: (name) => (/^ERROR_(INTERNET|FTP|GOPHER|HTTP)_/.test(name) ? 'wininet' : null),
  },
  { file: 'winhttp.h', family: (name) => (/^ERROR_WINHTTP_/.test(name) ? 'winhttp' : null) },
  { file: 'xmllite.h', family: (name) => (/^(MX|WC|NC|SC|WR|XML)_E_/.test(name) ? 'xmllite' : null) },
  { file: 'lmerr.h', family: (name) => (/^NERR_/.test(name) && name !== 'NERR_BASE' ? 'win32' : null) },
  { file: 'adserr.h', family: (name) => (/^[ES]_ADS_/.test(name) ? 'hresult' : null) },
];

/**
 * Names the Windows SDK defines but mingw-w64 10 lacks, which the guide's codes rest on
 * (WININET_E_DECODING_FAILED is HRESULT_FROM_WIN32 of this one). Each is INTERNET_ERROR_BASE + n
 * in the SDK's wininet.h.
 */
const SUPPLEMENT = [
  {
    family: 'wininet',
    header: 'wininet.h (Windows SDK)',
    name: 'ERROR_INTERNET_DECODING_FAILED',
    value: 12175,
  },
];

/**
 * Facility numbers the Windows SDK names but mingw-w64 10 does not (HRESULT ones from the SDK's
 * winerror.h, NTSTATUS ones from its ntstatus.h). The headers' own FACILITY_ definitions come first.
 */
const SDK_HRESULT_FACILITIES = {
  26: 'USERMODE_COMMONLOG',
  27: 'WER',
  31: 'USERMODE_FILTER_MANAGER',
  38: 'GRAPHICS',
  39: 'SHELL/NAP',
  40: 'TPM_SERVICES',
  41: 'TPM_SOFTWARE',
  42: 'UI',
  43: 'XAML',
  44: 'ACTION_QUEUE',
  48: 'PLA/WINDOWS_SETUP',
  49: 'FVE',
  50: 'FWP',
  51: 'WINRM',
  52: 'NDIS',
  53: 'USERMODE_HYPERVISOR',
  54: 'CMI',
  55: 'USERMODE_VIRTUALIZATION',
  56: 'USERMODE_VOLMGR',
  58: 'USERMODE_VHD',
  60: 'SDIAG',
  61: 'WEBSERVICES/WINPE',
  63: 'WINDOWS_STORE',
  80: 'WINDOWS_DEFENDER',
  81: 'OPC',
  82: 'XPS',
  83: 'RAS',
  84: 'POWERSHELL',
  109: 'VISUALCPP',
  112: 'SCRIPT',
  113: 'PARSE',
  130: 'USERMODE_VOLSNAP',
  131: 'TIERING',
  160: 'SOS',
  231: 'USERMODE_SPACES',
  256: 'RESTORE',
  885: 'WEB',
  886: 'WEB_SOCKET',
  2049: 'WEP',
  2050: 'SYNCENGINE',
  2200: 'WINCODEC_DWRITE_DWM',
  2305: 'USERMODE_SDBUS',
};
const SDK_NTSTATUS_FACILITIES = {
  6: 'CODCLASS_ERROR_CODE',
  7: 'NTWIN32',
  8: 'NTCERT',
  9: 'NTSSPI',
  11: 'MUI_ERROR_CODE',
  27: 'VIDEO',
  28: 'FILTER_MANAGER',
  29: 'MONITOR',
  30: 'GRAPHICS_KERNEL',
  32: 'DRIVER_FRAMEWORK',
  33: 'FVE_ERROR_CODE',
  34: 'FWP_ERROR_CODE',
  35: 'NDIS_ERROR_CODE',
  41: 'TPM',
  42: 'RTPM',
  53: 'HYPERVISOR',
  54: 'IPSEC',
  55: 'VIRTUALIZATION',
  56: 'VOLMGR',
  57: 'BCD_ERROR_CODE',
  62: 'WIN32K_NTUSER',
  63: 'WIN32K_NTGDI',
  64: 'RESUME_KEY_FILTER',
  65: 'RDBSS',
  66: 'BTH_ATT',
  67: 'SECUREBOOT',
  68: 'AUDIO_KERNEL',
  69: 'VSM',
  80: 'VOLSNAP',
  81: 'SDBUS',
  92: 'SHARED_VHDX',
  93: 'SMB',
  153: 'INTERIX',
  231: 'SPACES',
  232: 'SECURITY_CORE',
  233: 'SYSTEM_INTEGRITY',
  234: 'LICENSING',
  235: 'PLATFORM_MANIFEST',
  236: 'APP_EXEC',
};

/** FACILITY_NAME definitions of one header as number -> names joined by '/', plus the SDK's extra ones. */
function facilities(file, includeDir, extra) {
  const text = readFileSync(join(includeDir, file), 'latin1');
  const symbols = new Map(definitions(text).map((d) => [d.name, d.body]));
  const byNumber = new Map();
  for (const [name, body] of symbols) {
    if (!/^FACILITY_/.test(name) || name === 'FACILITY_NT_BIT') continue;
    const v = evaluate(body, symbols);
    if (v === null) continue;
    const short = name.slice('FACILITY_'.length);
    const names = byNumber.get(v) ?? [];
    if (!names.includes(short)) names.push(short);
    byNumber.set(v, names);
  }
  for (const [k, v] of Object.entries(extra)) if (!byNumber.has(Number(k))) byNumber.set(Number(k), [v]);
  return [...byNumber.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([k, names]) => `${k}:${names.sort().join('/')}`)
    .join(' ');
}

function winerrorFamily(name, value) {
  if (/^(FACILITY|SEVERITY)_/.test(name) || /^_/.test(name)) return null;
  if (/(_BASE|_FIRST|_LAST|BASEERR|_INCLUDED|_CODES_BASE)$/.test(name)) return null;
  if (/^(TPM|TBS|TPMAPI)_/.test(name)) return 'tpm';
  if (/^(NTE|CRYPT|CERT|CERTSRV|TRUST|SCARD|OSS|MSSIPOTF)_/.test(name)) return 'crypto';
  if (/^(S_|E_)/.test(name) || name === 'NOERROR') return 'hresult';
  return value <= 0xffff ? 'win32' : 'hresult';
}

// ---- reading C: #define lines and enum members ----

/** Joins continued lines and removes comments, keeping line structure otherwise. */
function clean(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, '')
    .replace(/\\\r?\n/g, ' ');
}

/** Every object-like `#define NAME BODY` and every `NAME = VALUE` enum member, in file order. */
function definitions(text) {
  const out = [];
  for (const line of clean(text).split(/\r?\n/)) {
    const d = /^\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)(\(?)\s*(.*)$/.exec(line);
    if (d) {
      if (d[2] !== '(' && d[3].trim() !== '') out.push({ name: d[1], body: d[3].trim() });
      continue;
    }
    const e = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([^,}]+?)\s*,?\s*$/.exec(line);
    if (e) out.push({ name: e[1], body: e[2] });
  }
  return out;
}

// ---- evaluating the small C expressions the headers use ----

const CASTS = new Set([
  'NTSTATUS',
  'HRESULT',
  'SCODE',
  'DWORD',
  'LONG',
  'ULONG',
  'int',
  'long',
  'unsigned',
  '__LONG32',
  'signed',
  'short',
]);
const MACROS = {
  __MSABI_LONG: (x) => x,
  _HRESULT_TYPEDEF_: (x) => x,
  _NDIS_ERROR_TYPEDEF_: (x) => x,
  HRESULT_FROM_WIN32: (x) => ((x | 0) <= 0 ? x : ((x & 0xffff) | (7 << 16) | 0x80000000) >>> 0),
  __HRESULT_FROM_WIN32: (x) => ((x | 0) <= 0 ? x : ((x & 0xffff) | (7 << 16) | 0x80000000) >>> 0),
  HRESULT_FROM_NT: (x) => (x | 0x10000000) >>> 0,
  MAKE_HRESULT: (s, f, c) => ((s << 31) | (f << 16) | c) >>> 0,
  MAKE_SCODE: (s, f, c) => ((s << 31) | (f << 16) | c) >>> 0,
};

function tokenize(src) {
  const tokens = [];
  const re = /\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*|\s*([A-Za-z_][A-Za-z0-9_]*)|\s*(<<|>>|[-+|&~()*,])|\s*(\S)/gy;
  let m = re.exec(src);
  while (m !== null) {
    if (m[1] !== undefined) tokens.push({ t: 'num', v: Number(m[1]) });
    else if (m[2] !== undefined) tokens.push({ t: 'id', v: m[2] });
    else if (m[3] !== undefined) tokens.push({ t: 'op', v: m[3] });
    else if (m[4] !== undefined) return null; // something this evaluator does not handle
    m = re.exec(src);
  }
  return tokens;
}

/** Evaluates an expression to an unsigned 32-bit number, or returns null. */
function evaluate(body, symbols, depth = 0) {
  if (depth > 20) return null;
  const tokens = tokenize(body);
  if (!tokens || tokens.length === 0) return null;
  let i = 0;
  const peek = () => tokens[i];
  const fail = () => {
    throw new Error('unsupported');
  };
  const expect = (v) => {
    if (tokens[i]?.v !== v) fail();
    i++;
  };
  // precedence: | < & < << >> < + - < * < unary
  const binary = [['|'], ['&'], ['<<', '>>'], ['+', '-'], ['*']];
  const parseLevel = (level) => {
    if (level === binary.length) return parseUnary();
    let left = parseLevel(level + 1);
    while (peek()?.t === 'op' && binary[level].includes(peek().v)) {
      const op = tokens[i++].v;
      const right = parseLevel(level + 1);
      if (op === '|') left = (left | right) >>> 0;
      else if (op === '&') left = (left & right) >>> 0;
      else if (op === '<<') left = (left << right) >>> 0;
      else if (op === '>>') left = left >>> right;
      else if (op === '+') left = (left + right) >>> 0;
      else if (op === '-') left = (left - right) >>> 0;
      else left = Math.imul(left, right) >>> 0;
    }
    return left;
  };
  const parseUnary = () => {
    const tok = peek();
    if (!tok) fail();
    if (tok.t === 'op' && tok.v === '-') {
      i++;
      return -parseUnary() >>> 0;
    }
    if (tok.t === 'op' && tok.v === '~') {
      i++;
      return ~parseUnary() >>> 0;
    }
    if (tok.t === 'op' && tok.v === '(') {
      // a cast: ( TYPE [TYPE...] ) operand
      let j = i + 1;
      while (tokens[j]?.t === 'id' && CASTS.has(tokens[j].v)) j++;
      if (j > i + 1 && tokens[j]?.v === ')') {
        i = j + 1;
        return parseUnary();
      }
      i++;
      const v = parseLevel(0);
      expect(')');
      return v;
    }
    if (tok.t === 'num') {
      i++;
      return tok.v >>> 0;
    }
    if (tok.t === 'id') {
      i++;
      const macro = MACROS[tok.v];
      if (macro && peek()?.v === '(') {
        i++;
        const args = [parseLevel(0)];
        while (peek()?.v === ',') {
          i++;
          args.push(parseLevel(0));
        }
        expect(')');
        return macro(...args);
      }
      const body = symbols.get(tok.v);
      if (body === undefined) fail();
      const v = evaluate(body, symbols, depth + 1);
      if (v === null) fail();
      return v;
    }
    return fail();
  };
  try {
    const v = parseLevel(0);
    return i === tokens.length ? v : null;
  } catch {
    return null;
  }
}

// ---- building the table ----

export function generate(includeDir) {
  const entries = [];
  const skipped = [];
  // Symbols visible to every header: winerror.h first (FACILITY_WIN32, NO_ERROR, ERROR_* aliases).
  const globals = new Map();
  const files = HEADERS.map((h) => ({ ...h, text: readFileSync(join(includeDir, h.file), 'latin1') }));
  for (const f of files) {
    const defs = definitions(f.text);
    f.defs = defs;
    for (const d of defs) if (!globals.has(d.name)) globals.set(d.name, d.body);
  }
  const seen = new Set();
  for (const f of files) {
    const local = new Map(globals);
    for (const d of f.defs) local.set(d.name, d.body); // the header's own definitions win
    for (const d of f.defs) {
      const value = evaluate(d.body, local);
      if (value === null) {
        if (f.family(d.name, 0) !== null && /^[A-Z]/.test(d.name) && /\d/.test(d.body))
          skipped.push(`${f.file}: ${d.name} = ${d.body}`);
        continue;
      }
      const family = f.family(d.name, value);
      if (family === null) continue;
      const key = `${d.name}=${value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      entries.push({ family, header: f.file, name: d.name, value });
    }
  }
  for (const s of SUPPLEMENT) {
    if (!entries.some((e) => e.name === s.name)) entries.push(s);
  }
  const hresultFacilities = facilities('winerror.h', includeDir, SDK_HRESULT_FACILITIES);
  const ntstatusFacilities = facilities('ntstatus.h', includeDir, SDK_NTSTATUS_FACILITIES);
  return { entries, skipped, hresultFacilities, ntstatusFacilities };
}

function base36(n) {
  return n.toString(36);
}

const HEADER = [
  '// Generated by scripts/gen-codes.mjs: do not edit. Regenerate with `node scripts/gen-codes.mjs`.',
  `// Source: the headers of Debian's mingw-w64-common package (${DEFAULT_INCLUDE}),`,
  `// ${HEADERS.map((h) => h.file).join(', ')};`,
];

/** The generated files, by name. */
export function render({ entries, hresultFacilities, ntstatusFacilities }) {
  const facilities = [
    ...HEADER,
    '// plus the facility numbers the Windows SDK names and mingw-w64 does not (see the generator).',
    '',
    '/** HRESULT facility numbers and names ("number:NAME" joined by spaces; "/" joins synonyms). */',
    `export const HRESULT_FACILITIES = ${JSON.stringify(hresultFacilities)};`,
    '',
    '/** NTSTATUS facility numbers and names, in the same form. */',
    `export const NTSTATUS_FACILITIES = ${JSON.stringify(ntstatusFacilities)};`,
    '',
  ];
  const blocks = new Map();
  for (const e of entries) {
    const key = `${e.family}\u0000${e.header}`;
    if (!blocks.has(key)) blocks.set(key, []);
    blocks.get(key).push(e);
  }
  const lines = [
    ...HEADER,
    `// plus ${SUPPLEMENT.length} name(s) from the Windows SDK that mingw-w64 lacks (see the generator).`,
    '// Each block: [family, header, values, names]. Values ascend, written as base-36 deltas joined by',
    "// ','; names follow in the same order, joined by ' '. Decoded by src/kb/names.ts, which imports",
    '// this module on demand (loadCodeNames) so that the CLI starts without it.',
    '',
    `export const GENERIC_COUNT = ${entries.length};`,
    '',
    'export const GENERIC_BLOCKS: readonly (readonly [string, string, string, string])[] = [',
  ];
  for (const list of blocks.values()) {
    list.sort((a, b) => a.value - b.value); // stable: same-value names keep header order
    let prev = 0;
    const deltas = list.map((e) => {
      const d = base36(e.value - prev);
      prev = e.value;
      return d;
    });
    const { family, header } = list[0];
    lines.push(`  [${JSON.stringify(family)}, ${JSON.stringify(header)},`);
    lines.push(`    ${JSON.stringify(deltas.join(','))},`);
    lines.push(`    ${JSON.stringify(list.map((e) => e.name).join(' '))}],`);
  }
  lines.push('];', '');
  return { 'facilities.ts': facilities.join('\n'), 'generic-codes.ts': lines.join('\n') };
}

function main(argv) {
  let includeDir = process.env.MINGW_INCLUDE || DEFAULT_INCLUDE;
  let check = false;
  let out = OUT;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--check') check = true;
    else if (argv[i] === '--include' && argv[i + 1]) includeDir = argv[++i];
    else if (argv[i] === '--out' && argv[i + 1]) out = argv[++i];
    else {
      process.stderr.write(
        `gen-codes: unknown argument ${argv[i]}\nusage: node scripts/gen-codes.mjs [--check] [--include DIR] [--out DIR]\n`,
      );
      return 2;
    }
  }
  let result;
  try {
    result = generate(includeDir);
  } catch (err) {
    process.stderr.write(
      `gen-codes: cannot read the headers in ${includeDir} (${err.code ?? err.message}); install mingw-w64-common\n`,
    );
    return 2;
  }
  const files = render(result);
  if (check) {
    const stale = Object.entries(files).filter(([name, text]) => {
      try {
        return readFileSync(join(out, name), 'utf8') !== text;
      } catch {
        return true;
      }
    });
    if (stale.length) {
      const names = stale.map(([name]) => join(out, name)).join(', ');
      process.stderr.write(`gen-codes: ${names} out of date with the headers in ${includeDir}\n`);
      return 1;
    }
    process.stdout.write(`gen-codes: ${result.entries.length} names up to date\n`);
    return 0;
  }
  for (const [name, text] of Object.entries(files)) writeFileSync(join(out, name), text);
  const families = {};
  for (const e of result.entries) families[e.family] = (families[e.family] ?? 0) + 1;
  process.stdout.write(
    `gen-codes: wrote ${result.entries.length} names to ${out}\n  ${JSON.stringify(families)}\n`,
  );
  if (result.skipped.length)
    process.stdout.write(
      `  not evaluated (${result.skipped.length}): ${result.skipped.slice(0, 20).join('; ')}\n`,
    );
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  process.exitCode = main(process.argv.slice(2));
