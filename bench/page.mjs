// Paste-to-verdict in the browser page (issue 17: a pasted capture reaches its verdict in under
// 50 ms at the first paste). The built page (web/dist: `npm run build:web`) is served on loopback and
// opened in Debian's chromium through playwright-core; each example capture is pasted into an empty
// page, and the page's own marks (performance.mark, made by the page) time it: from the paste to the
// verdict drawn. The reference, measured in the same run on the same pastes, is the time the library's
// reading and diagnosis take inside the page (a small paste is read on the page's thread, a large input
// in its worker): the ratio says what the page adds around the library (rendering, scheduling),
// whatever the machine's load.
//   node bench/page.mjs [--rounds N]    (default 7 rounds of every capture)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const GOAL_MS = 50;
const argRounds = process.argv.indexOf('--rounds');
const ROUNDS = argRounds > 0 ? Number(process.argv[argRounds + 1]) : 7;
const DIST = new URL('../web/dist/', import.meta.url).pathname;
const CAPTURES = new URL('../examples/dsregcmd/', import.meta.url).pathname;

try {
  statSync(join(DIST, 'index.html'));
} catch {
  console.error('bench/page.mjs: web/dist/index.html is missing: run `npm run build:web` first');
  process.exit(2);
}

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
};
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
  const file = join(DIST, path.endsWith('/') ? `${path}index.html` : path);
  if (!file.startsWith(DIST)) return res.writeHead(403).end();
  try {
    const body = readFileSync(file);
    res.writeHead(200, {
      'content-type': `${TYPES[extname(file)] ?? 'application/octet-stream'}; charset=utf-8`,
    });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
await page.goto(url, { waitUntil: 'networkidle' });
await page.waitForSelector('#input-text');
// The page reads a small paste on its own thread once it has loaded the Windows names (when idle).
await page.waitForFunction(() => performance.getEntriesByName('dsreg-names').length > 0);

const captures = readdirSync(CAPTURES)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => ({ name: f, text: readFileSync(join(CAPTURES, f), 'utf8') }));

/** One first paste into an empty page, in ms: [paste-to-verdict, reading and diagnosis]. */
async function once(text) {
  if (await page.$('#clear')) {
    await page.click('#clear');
    await page.waitForSelector('#results:not([aria-busy]) .empty');
  }
  await page.evaluate(() => performance.clearMarks());
  await page.fill('#input-text', text);
  await page.waitForSelector('#results:not([aria-busy]) .verdict');
  return page.evaluate(() => {
    const paste = performance.getEntriesByName('dsreg-paste')[0];
    const verdict = performance.getEntriesByName('dsreg-verdict').find((m) => m.startTime >= paste.startTime);
    const analysed = performance.getEntriesByName('dsreg-analysed').at(-1);
    return [verdict.startTime - paste.startTime, analysed.detail.ms];
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// One warm-up paste: the worker and the page's modules are compiled once, as for any visitor.
await once(captures[0].text);
const all = [];
const allWorker = [];
console.log(`paste-to-verdict, first paste into an empty page (median of ${ROUNDS} rounds):`);
for (const c of captures) {
  const times = [];
  const worker = [];
  for (let i = 0; i < ROUNDS; i++) {
    const [t, w] = await once(c.text);
    times.push(t);
    worker.push(w);
  }
  all.push(...times);
  allWorker.push(...worker);
  console.log(
    `  ${c.name.padEnd(44)} ${median(times).toFixed(1).padStart(6)} ms   (diagnosis ${median(worker).toFixed(1)} ms)`,
  );
}
const m = median(all);
const w = median(allWorker);
console.log(
  `all captures: median ${m.toFixed(1)} ms, the library's reading and diagnosis in the page (reference) ${w.toFixed(1)} ms`,
);
console.log(`ratio paste-to-verdict / reading and diagnosis: ${(m / w).toFixed(2)}`);
console.log(
  `goal: under ${GOAL_MS} ms: ${m < GOAL_MS ? 'met' : 'NOT met'} (${(m / GOAL_MS).toFixed(2)} of the goal)`,
);
// For bench/run.mjs: the figure of issue 17, one machine-readable line.
console.log(
  `RATIO ${JSON.stringify({ name: 'page: first paste to verdict', value: Number(m.toFixed(1)), unit: 'ms', goal: `<= ${GOAL_MS}`, reference: `the reading and diagnosis in the page, ${w.toFixed(1)} ms` })}`,
);
await browser.close();
server.close();
