// `dsreg-doctor redact FILE|-`: a copy of a raw `dsregcmd /status` capture or event export with every
// identifier replaced by a stable pseudonym, to post as it is. Lines and line breaks are kept, so
// line numbers in a diagnosis of the copy match the original. Nothing is written when an identifier
// that was learned from the input would survive.
import { type Command, Option } from 'commander';
import { InputError } from '../../types.js';
import { type CliIO, describeReadError } from '../io.js';
import type { CommandState } from '../main.js';

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
  correlation: ['correlation ID', 'correlation IDs'],
  request: ['request ID', 'request IDs'],
  guid: ['other GUID', 'other GUIDs'],
  hex: ['other hex ID', 'other hex IDs'],
  token: ['token', 'tokens'],
  data: ['opaque value', 'opaque values'],
  time: ['time', 'times'],
};

export function registerRedact(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('redact')
    .summary('write a copy of a dsregcmd capture or event export with identifiers replaced')
    .description(
      'Write a copy of `dsregcmd /status` output or of an event log export (XML, CSV, JSON, or\n' +
        '.evtx, whose records come out as JSON lines) in which tenant and device IDs, user names\n' +
        'and UPNs, domain, computer and tenant names, thumbprints, key IDs, SIDs, correlation and\n' +
        'request IDs and host names outside Microsoft are replaced by stable pseudonyms: the same\n' +
        'value always becomes the same <tenant-1>, user1@<domain-1>, <computer-1> ... Error codes,\n' +
        'phases, states, times and Microsoft endpoint URLs are kept, so the copy still diagnoses\n' +
        'the same way. The copy is written as UTF-8 with the same lines as the original.',
    )
    .argument('<file>', 'the capture or export to redact; - reads standard input')
    .option('-o, --out <file>', 'write the copy to this file instead of standard output')
    .addOption(
      new Option('--times', 'replace times and dates too (certificate validity, PRT and event times)'),
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 written, 2 unreadable input, or an identifier would have survived.\n\n' +
        'Examples:\n' +
        '  dsreg-doctor redact status.txt > status-redacted.txt\n' +
        '  dsregcmd /status | dsreg-doctor redact -\n' +
        '  dsreg-doctor redact aad-operational.xml --times --out aad-redacted.xml',
    )
    .action(async (path: string, opts: RedactOpts) => {
      let bytes: Uint8Array;
      try {
        bytes = await io.read(path);
      } catch (err) {
        io.stderr(`dsreg-doctor: ${describeReadError(path, err)}\n`);
        state.code = 2;
        return;
      }
      const { createRedactor, isXml } = await import('../../redact/index.js');
      const { decodeText } = await import('../../input/decode.js');
      const { readEvents } = await import('../../events/read.js');
      const { sniff } = await import('../../input/sniff.js');
      const r = createRedactor({ times: Boolean(opts.times) });

      let output: string;
      try {
        const { kind } = sniff(bytes, path);
        if (kind === 'empty') throw new InputError(path, 'empty file: nothing to redact');
        if (kind === 'zip') {
          throw new InputError(path, 'a zip archive: unpack it and redact its files one by one');
        }
        if (kind === 'evtx') {
          // An .evtx is binary and cannot be edited in place: its records come out as JSON lines.
          const records = [...readEvents(bytes, { source: path })];
          r.learnEvents(records);
          output = records.map((rec) => `${JSON.stringify(r.eventRecord(rec))}\n`).join('');
          io.stderr(
            `dsreg-doctor: ${r.text(path)}: an .evtx is binary; its ${records.length} records are written as JSON lines (dsreg-doctor reads them back)\n`,
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
          output = r.text(text, isXml(text) ? 'xml' : 'text');
        }
      } catch (err) {
        if (err instanceof InputError) {
          io.stderr(`dsreg-doctor: ${err.message}\n`);
          state.code = 2;
          return;
        }
        throw err;
      }

      const leaks = r.leaks(output);
      if (leaks.length > 0) {
        io.stderr(
          `dsreg-doctor: ${path}: redaction left ${leaks.length} identifier${leaks.length === 1 ? '' : 's'} in the copy: nothing written (please report this as a bug)\n`,
        );
        state.code = 2;
        return;
      }
      const counts = Object.entries(r.counts()).filter(([, n]) => n && n > 0);
      const summary = counts.length
        ? counts
            .map(([kind, n]) => {
              const [one, many] = KIND_WORDS[kind] ?? [kind, `${kind}s`];
              return `${n} ${n === 1 ? one : many}`;
            })
            .join(', ')
        : 'nothing to replace';
      if (opts.out !== undefined) {
        const { writeFile } = await import('node:fs/promises');
        try {
          await writeFile(opts.out, output);
        } catch (err) {
          const code = (err as { code?: string }).code;
          io.stderr(`dsreg-doctor: ${opts.out}: cannot write (${code ?? String(err)})\n`);
          state.code = 2;
          return;
        }
      } else {
        io.stdout(output);
      }
      io.stderr(`dsreg-doctor: replaced ${summary}\n`);
      state.code = 0;
    });
}
