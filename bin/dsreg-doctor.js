#!/usr/bin/env node
import { main } from '../dist/cli.js';

// A reader that goes away (`dsreg-doctor events big.evtx | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Exit once the output is flushed, even if a hung DNS lookup or socket still holds the loop.
    process.stdout.write('', () => process.exit(code));
  },
  (err) => {
    process.stderr.write(
      `dsreg-doctor: internal error: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exitCode = 2;
    process.stdout.write('', () => process.exit(2));
  },
);
