// Progress for long work (a large .evtx, a big folder, `redact` of a bundle): one line on standard
// error, redrawn in place by cli-progress, and only on a terminal. Piped or redirected output, CI,
// and work that ends within half a second never see it; the line is erased when the work ends, so
// what stays on the screen is the command's own output.
//
//   const progress = startProgress({ label: 'Reading big.evtx', total: size, unit: 'bytes' });
//   for (...) progress.update(offset);
//   progress.stop();
// The named export, not the default: the bin's bundle loads cli-progress lazily (scripts/build.mjs),
// and its stand-in forwards the library's own exports; a CommonJS module has no `default` there.
import { SingleBar } from 'cli-progress';

export type ProgressUnit = 'bytes' | 'files' | 'records' | 'check-ins';

/** Where the line goes: standard error by default; a test passes a fake terminal. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** What is being done, a few words: "Reading big.evtx". */
  label: string;
  /** How much there is to do, when known (bytes of a file, files of a folder). */
  total?: number;
  unit?: ProgressUnit;
  /** Show "2.0 MB of 4.0 MB" after the percent (default true); false for work counted in steps people do not see. */
  amounts?: boolean;
  stream?: ProgressStream;
  env?: Record<string, string | undefined>;
  /** Milliseconds before the line first shows (default 500): quick work shows nothing. */
  delayMs?: number;
  /** The clock the delay and the redraw rate are counted on, in milliseconds (default Date.now; tests pass a fake). */
  now?: () => number;
}

export interface Progress {
  /** How much is done so far (and the total, when it became known). */
  update(done: number, total?: number): void;
  /** One more unit done (a file, a record). */
  increment(by?: number): void;
  /** The work is over: erase the line. */
  stop(): void;
  /** Whether the line is shown at all (a terminal, not CI). */
  readonly visible: boolean;
}

/** No line at all: what startProgress gives off a terminal. */
export const NO_PROGRESS: Progress = { update() {}, increment() {}, stop() {}, visible: false };
const NONE = NO_PROGRESS;

/** "12.3 MB", "4,096 files", "1 file". */
export function amount(n: number, unit: ProgressUnit): string {
  if (unit !== 'bytes') {
    const count = Math.round(n);
    return `${count.toLocaleString('en-US')} ${count === 1 ? unit.slice(0, -1) : unit}`;
  }
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** A progress line on the standard error of a command's IO (a terminal only), as startProgress. */
export function progressOn(
  io: {
    stderr(text: string): void;
    stderrIsTTY?: boolean;
    columns: number;
    env: Record<string, string | undefined>;
    clock?: () => number;
  },
  label: string,
  unit: ProgressUnit,
  total?: number,
  amounts = true,
): Progress {
  return startProgress({
    label,
    unit,
    amounts,
    ...(total !== undefined ? { total } : {}),
    stream: { isTTY: Boolean(io.stderrIsTTY), columns: io.columns, write: (t) => io.stderr(t) },
    env: io.env,
    ...(io.clock ? { now: io.clock } : {}),
  });
}

/** Starts a progress line; on anything but an interactive terminal it does nothing at all. */
export function startProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const env = options.env ?? process.env;
  if (!stream.isTTY || (env.CI && env.CI !== 'false') || env.TERM === 'dumb') return NONE;
  const unit = options.unit ?? 'bytes';
  let total = options.total;
  let done = 0;
  let bar: SingleBar | undefined;
  let drawn = 0;
  const payload = () => ({
    done: amount(done, unit),
    all: total !== undefined ? amount(total, unit) : '',
  });
  const show = () => {
    bar = new SingleBar({
      format:
        total === undefined
          ? `${options.label}: {done}`
          : options.amounts === false
            ? `${options.label} {bar} {percentage}%`
            : `${options.label} {bar} {percentage}% {done} of {all}`,
      stream: stream as NodeJS.WritableStream,
      barsize: 20,
      hideCursor: true,
      clearOnComplete: true,
      linewrap: false,
      fps: 10,
      noTTYOutput: false,
    });
    bar.start(total ?? 0, done, payload());
  };
  // Shown by a timer when the work waits for input (a file read in pieces), and from update() when
  // it does not (records parsed from memory never let a timer run).
  const delay = options.delayMs ?? 500;
  const clock = options.now ?? Date.now;
  const started = clock();
  const timer = setTimeout(show, delay);
  timer.unref?.();
  return {
    visible: true,
    update(value, newTotal) {
      done = value;
      if (newTotal !== undefined && newTotal !== total) {
        total = newTotal;
        bar?.setTotal(newTotal);
      }
      // Called once a record: the line is redrawn at most ten times a second, not once a record.
      const now = clock();
      if (!bar) {
        if (now - started < delay) return;
        clearTimeout(timer);
        show();
      }
      if (now - drawn < 100) return;
      drawn = now;
      bar!.update(done, payload());
    },
    increment(by = 1) {
      this.update(done + by);
    },
    stop() {
      clearTimeout(timer);
      // The last amount is drawn (a throttled update may have skipped it), then the line erased.
      bar?.update(done, payload());
      bar?.stop();
      bar = undefined;
    },
  };
}
