// `dsreg-doctor redact PATH|-`: a copy of a raw `dsregcmd /status` capture, an event export, or a
// whole log collection (a folder or a .zip) with every identifier replaced by a stable pseudonym, to
// post as it is. Lines and line breaks are kept, so line numbers in a diagnosis of the copy match
// the original. Nothing is written when an identifier that was learned from the input would survive.
import { type Command, Option } from 'commander';
import type { BundleEntry } from '../../input/bundle.js';
import type { RedactedFile } from '../../redact/bundle.js';
import type { Redactor } from '../../redact/index.js';
import { InputError } from '../../types.js';
import { type CliIO, describeReadError, outputWriter } from '../io.js';
import type { CommandState } from '../main.js';
import { addHelpFooter } from '../options.js';
import { progressOn } from '../progress.js';

interface RedactOpts {
  out?: string;
  times?: boolean;
}

const KIND_WORDS: Record<string, [string, string]> = {
  tenant: ['tenant ID', 'tenant IDs'],
  'tenant-name': ['tenant name', 'tenant names'],
  device: ['device ID', 'device IDs'],
  computer: ['computer name', 'computer names'],
  domain: ['domain', 'domains'],
  host: ['host name', 'host names'],
  user: ['user', 'users'],
  thumbprint: ['thumbprint', 'thumbprints'],
  key: ['key ID', 'key IDs'],
  sid: ['SID', 'SIDs'],
  ip: ['IP address', 'IP addresses'],
  serial: ['serial number', 'serial numbers'],
  correlation: ['correlation ID', 'correlation IDs'],
  request: ['request ID', 'request IDs'],
  guid: ['other GUID', 'other GUIDs'],
  hex: ['other hex ID', 'other hex IDs'],
  token: ['token', 'tokens'],
  data: ['opaque value', 'opaque values'],
  time: ['time', 'times'],
};

export function registerRedact(program: Command, io: CliIO, state: CommandState): void {
  const cmd = program
    .command('redact')
    .summary('write a copy of a capture, an event export or a log collection with identifiers replaced')
    .description(
      'Write a copy of `dsregcmd /status` output, of an event log export (XML, CSV, JSON, or .evtx, ' +
        'whose records come out as JSON lines), or of a whole log collection (a folder or a .zip) in ' +
        'which tenant and device IDs, user names and UPNs, domain, computer and tenant names, ' +
        'thumbprints, key IDs, SIDs, IP addresses, certificate serial numbers, correlation and ' +
        'request IDs and host names outside Microsoft are replaced by stable pseudonyms: the same ' +
        'value always becomes the same <tenant-1>, user1@<domain-1>, <computer-1> ... Error codes, ' +
        'phases, states, times and Microsoft endpoint URLs are kept, so the copy still diagnoses ' +
        'the same way. The copy is written as UTF-8 with the same lines as the original. A folder or ' +
        'a .zip is copied to --out (a folder, or a file ending in .zip) with the same file names, ' +
        'identifiers in the names replaced too; binary files that cannot be redacted are left out.',
    )
    .argument('<path>', 'the capture, export, folder or .zip to redact; - reads standard input')
    .option(
      '-o, --out <path>',
      'write the copy here (a file; for a folder or a .zip: a new folder or a .zip)',
    )
    .addOption(
      new Option('--times', 'replace times and dates too (certificate validity, PRT and event times)'),
    );
  addHelpFooter(cmd, {
    notes: ['Exit codes: 0 written, 2 unreadable input, or an identifier would have survived.'],
    examples: [
      'dsreg-doctor redact status.txt > status-redacted.txt',
      'dsregcmd /status | dsreg-doctor redact -',
      'dsreg-doctor redact aad-operational.xml --times --out aad-redacted.xml',
      'dsreg-doctor redact authlogs.zip --out authlogs-redacted.zip',
      'dsreg-doctor redact collected-logs/ --out collected-logs-redacted',
    ],
  });
  cmd.action(async (path: string, opts: RedactOpts) => {
    state.code = await runRedact(path, opts, io);
  });
}

function fail(io: CliIO, message: string): number {
  io.stderr(`dsreg-doctor redact: ${message}\n`);
  return 2;
}

function summary(r: Redactor): string {
  const counts = Object.entries(r.counts()).filter(([, n]) => n && n > 0);
  if (counts.length === 0) return 'nothing to replace';
  return counts
    .map(([kind, n]) => {
      const [one, many] = KIND_WORDS[kind] ?? [kind, `${kind}s`];
      return `${n} ${n === 1 ? one : many}`;
    })
    .join(', ');
}

async function runRedact(path: string, opts: RedactOpts, io: CliIO): Promise<number> {
  const { stat } = await import('../fs.js');
  const { isZip } = await import('../../input/zip.js');
  // The bundle reader (and the node:fs/promises it loads) only for a folder or a zip.
  const reader = () => import('../../node/bundle-reader.js');
  let bytes: Uint8Array | undefined;
  let bundle: BundleEntry[] | undefined;
  try {
    const st = path === '-' ? undefined : await stat(path).catch(() => undefined);
    let read: Awaited<ReturnType<Awaited<ReturnType<typeof reader>>['readFolder']>> | undefined;
    let label = path.replace(/[\\/]+$/, '') || path;
    if (st?.isDirectory()) {
      const folders = await reader();
      const progress = progressOn(io, `Reading ${label}`, 'bytes');
      read = await folders
        .readFolder(path, folders.DEFAULT_LIMITS, (done, total) => progress.update(done, total))
        .finally(() => progress.stop());
    } else {
      bytes = await io.read(path);
      if (isZip(bytes)) {
        label = path === '-' ? 'stdin.zip' : path;
        read = await (await reader()).readZip(label, [bytes]);
      }
    }
    if (read) {
      const prefix = `${label}/`;
      bundle = read.entries.map((e) => ({
        name: e.name.startsWith(prefix) ? e.name.slice(prefix.length) : e.name,
        bytes: e.bytes,
      }));
      for (const s of read.skipped) {
        bundle.push({
          name: s.name.startsWith(prefix) ? s.name.slice(prefix.length) : s.name,
          bytes: SKIPPED,
        });
      }
    }
  } catch (err) {
    return fail(io, err instanceof InputError ? err.message : describeReadError(path, err));
  }
  if (bundle) return redactBundleTo(path, bundle, opts, io);
  return redactFile(path, bytes!, opts, io);
}

// Files the bundle reader skipped (too large, links) stand in the list as this marker: left out.
const SKIPPED = new Uint8Array([0]);

async function redactFile(path: string, bytes: Uint8Array, opts: RedactOpts, io: CliIO): Promise<number> {
  const { createRedactor, isXml } = await import('../../redact/index.js');
  const { decodeText } = await import('../../input/decode.js');
  const { readEvents } = await import('../../events/read.js');
  const { isEvtxHead } = await import('../../input/magic.js');
  const r = createRedactor({ times: Boolean(opts.times) });
  let output: string;
  let format: 'text' | 'xml' = 'text';
  try {
    if (bytes.length === 0) throw new InputError(path, 'empty file: nothing to redact');
    if (isEvtxHead(bytes)) {
      // An .evtx is binary and cannot be edited in place: its records are redacted and come out as
      // JSON lines, serialized once.
      const records = [...readEvents(bytes, { source: path })];
      r.learnEvents(records);
      output = r
        .eventRecords(records)
        .map((rec) => `${JSON.stringify(rec)}\n`)
        .join('');
      io.stderr(
        `dsreg-doctor redact: ${r.text(path)}: an .evtx is binary; its ${records.length} records are written as JSON lines (dsreg-doctor reads them back)\n`,
      );
    } else {
      const { text } = decodeText(bytes);
      if (/\u0000/.test(text.slice(0, 4096))) {
        throw new InputError(
          path,
          'a binary file: only text captures, text exports and .evtx can be redacted',
        );
      }
      r.learn(text);
      format = isXml(text) ? 'xml' : 'text';
      output = r.text(text, format);
    }
  } catch (err) {
    if (err instanceof InputError) return fail(io, err.message);
    throw err;
  }
  const leaks = r.leaks(output, format);
  if (leaks.length > 0) {
    return fail(
      io,
      `${path}: redaction left ${leaks.length} identifier${leaks.length === 1 ? '' : 's'} in the copy: nothing written (please report this as a bug)`,
    );
  }
  if (opts.out !== undefined) {
    const { writeFile } = await import('node:fs/promises');
    try {
      await writeFile(opts.out, output);
    } catch (err) {
      return fail(io, cannotWrite(opts.out, err));
    }
  } else {
    await outputWriter(io)(output);
  }
  io.stderr(`dsreg-doctor redact: replaced ${summary(r)}\n`);
  return 0;
}

function cannotWrite(path: string, err: unknown): string {
  const code = (err as { code?: string }).code;
  return `${path}: cannot write (${code ?? String(err)})`;
}

async function redactBundleTo(
  path: string,
  entries: BundleEntry[],
  opts: RedactOpts,
  io: CliIO,
): Promise<number> {
  if (opts.out === undefined) {
    return fail(
      io,
      `${path}: a folder or a .zip is redacted into a copy: give --out FOLDER or --out FILE.zip`,
    );
  }
  const out = opts.out;
  const { redactBundle } = await import('../../redact/bundle.js');
  const skipped = new Set(entries.filter((e) => e.bytes === SKIPPED).map((e) => e.name));
  // The shared progress line (a terminal only, past half a second), in percent only: each file is
  // gone through twice (its identifiers learned, then replaced), so a count of files would mislead.
  const progress = progressOn(io, `Redacting ${path}`, 'files', undefined, false);
  let result: ReturnType<typeof redactBundle>;
  try {
    result = redactBundle(
      entries.filter((e) => e.bytes !== SKIPPED),
      { times: Boolean(opts.times) },
      (done, total) => progress.update(done, total),
    );
  } finally {
    progress.stop();
  }
  const r = result.redactor;
  const decoder = new TextDecoder();
  const leaky = result.files.filter(
    (f) => r.leaks(decoder.decode(f.bytes), f.xml ? 'xml' : 'text').length > 0,
  );
  if (leaky.length > 0) {
    return fail(
      io,
      `${path}: redaction left identifiers in ${leaky.length} file${leaky.length === 1 ? '' : 's'}: nothing written (please report this as a bug)`,
    );
  }
  if (result.files.length === 0) return fail(io, `${path}: no file in it that can be redacted`);
  try {
    if (/\.zip$/i.test(out)) await writeZip(out, result.files);
    else await writeFolder(out, result.files);
  } catch (err) {
    if (err instanceof InputError) return fail(io, err.message);
    return fail(io, cannotWrite(out, err));
  }
  for (const w of result.warnings)
    io.stderr(`dsreg-doctor redact: warning: ${w.source ?? path}: ${w.message}\n`);
  const left = [...result.left, ...[...skipped].map((name) => ({ name: r.text(name), reason: 'not read' }))];
  for (const l of left) io.stderr(`dsreg-doctor redact: left out ${l.name}: ${l.reason}\n`);
  io.stderr(
    `dsreg-doctor redact: replaced ${summary(r)}; wrote ${result.files.length} file${result.files.length === 1 ? '' : 's'} to ${out}${left.length ? ` (${left.length} left out)` : ''}\n`,
  );
  return 0;
}

async function writeZip(out: string, files: RedactedFile[]): Promise<void> {
  const { zipSync } = await import('fflate');
  const { writeFile } = await import('node:fs/promises');
  const tree: Record<string, Uint8Array> = {};
  for (const f of files) tree[f.name] = f.bytes;
  await writeFile(out, zipSync(tree, { level: 6 }));
}

async function writeFolder(out: string, files: RedactedFile[]): Promise<void> {
  const { mkdir, readdir, writeFile } = await import('node:fs/promises');
  const { dirname, join } = await import('node:path');
  const existing = await readdir(out).catch((err: { code?: string }) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  if (existing.length > 0)
    throw new InputError(out, 'the folder is not empty: give a new or an empty folder');
  for (const f of files) {
    const target = join(out, ...f.name.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, f.bytes, { flag: 'wx' });
  }
}
