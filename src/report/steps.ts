// The steps of a fix as every renderer shows them: a step may carry sub-steps, written in the
// knowledge base as lines that start with "- " after the step's own sentence ("Check the proxy:\n-
// for the computer account ...\n- for the user ..."). Text and Markdown nest them under their step;
// no step is shown twice in one report.

export interface Step {
  text: string;
  subs: string[];
}

/** A step's own sentence and its sub-steps. */
export function stepParts(step: string): Step {
  const lines = step.split('\n');
  const head: string[] = [];
  const subs: string[] = [];
  for (const line of lines) {
    const m = /^\s*[-*]\s+(.*)$/.exec(line);
    if (m && (head.length > 0 || subs.length > 0)) subs.push(m[1]!);
    else if (subs.length > 0) subs[subs.length - 1] += ` ${line.trim()}`;
    else head.push(line.trim());
  }
  return { text: head.join(' ').trim(), subs };
}

const key = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * Remembers what a report has said already, so that a fix or a next step is printed once: a finding
 * whose steps were all given before points back to the first finding that gave them.
 */
export class StepLedger {
  private readonly seen = new Map<string, string>();

  /** The steps of a finding still to print, and the title of an earlier finding that gave all of them. */
  take(steps: readonly string[] | undefined, title: string): { steps: string[]; sameAs?: string } {
    const unique: string[] = [];
    const local = new Set<string>();
    for (const s of steps ?? []) {
      const k = key(s);
      if (local.has(k)) continue;
      local.add(k);
      unique.push(s);
    }
    if (unique.length === 0) return { steps: [] };
    const earlier = unique.map((s) => this.seen.get(key(s)));
    if (earlier.every((t) => t !== undefined) && earlier.every((t) => t === earlier[0])) {
      return { steps: [], sameAs: earlier[0]! };
    }
    for (const s of unique) if (!this.seen.has(key(s))) this.seen.set(key(s), title);
    return { steps: unique };
  }

  /**
   * The steps of a finding that no earlier fix gave, and the title of the first earlier finding
   * whose fix holds the others: a fix that repeats part of another prints only what it adds, after
   * "as for ... above". (take() prints a partly repeated fix whole.)
   */
  takeNew(steps: readonly string[] | undefined, title: string): { steps: string[]; sameAs?: string } {
    const fresh: string[] = [];
    let sameAs: string | undefined;
    const local = new Set<string>();
    for (const s of steps ?? []) {
      const k = key(s);
      if (local.has(k)) continue;
      local.add(k);
      const earlier = this.seen.get(k);
      if (earlier === undefined) fresh.push(s);
      else if (earlier !== '' && sameAs === undefined) sameAs = earlier;
    }
    for (const s of fresh) this.seen.set(key(s), title);
    return sameAs === undefined ? { steps: fresh } : { steps: fresh, sameAs };
  }

  /** Next steps that no fix of the report has given already. */
  fresh(steps: readonly string[] | undefined): string[] {
    const out: string[] = [];
    for (const s of steps ?? []) {
      const k = key(s);
      if (this.seen.has(k)) continue;
      this.seen.set(k, '');
      out.push(s);
    }
    return out;
  }
}

/** How many attempts a timeline shows unless all are asked for: the last ones, the newest matter. */
export const TIMELINE_LIMIT = 20;

/** The attempts to show, and how many earlier ones are left out. */
export function shownAttempts<T>(
  timeline: readonly T[],
  all = false,
): { shown: readonly T[]; hidden: number } {
  if (all || timeline.length <= TIMELINE_LIMIT) return { shown: timeline, hidden: 0 };
  return { shown: timeline.slice(-TIMELINE_LIMIT), hidden: timeline.length - TIMELINE_LIMIT };
}

/**
 * "37 earlier attempts are not shown (--all shows every attempt)." The hint names the caller's way
 * to see them all (a command's option), and is left out when the caller has none.
 */
export function hiddenAttemptsLine(hidden: number, hint?: string): string {
  return `${hidden} earlier attempt${hidden === 1 ? ' is' : 's are'} not shown${hint ? ` (${hint})` : ''}.`;
}

/** Pushes every item onto a list, without spreading it into arguments (a long list would overflow the stack). */
export function append<T>(list: T[], items: Iterable<T>): T[] {
  for (const item of items) list.push(item);
  return list;
}
