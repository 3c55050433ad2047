// Runs every benchmark in bench/ in turn (npm run bench).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

for (const f of readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .sort()) {
  console.log(`\n== bench/${f}`);
  execFileSync(process.execPath, [`bench/${f}`], { stdio: 'inherit' });
}
