// Evidence marks: the lines of the shown input that findings rest on (the most severe finding of
// each line), the lines of the finding picked, and bringing a finding's evidence into view (a line
// of a text input, or the timeline attempt that holds its event record).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Diagnosis, Evidence, Severity } from '../../src/types.js';
import type { Jump } from './editor.js';
import type { Source } from './inputs.js';
import { recordIndex, recordKey } from './timeline.js';
import { shownText } from './use-inputs.js';

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export type EvidenceState = ReturnType<typeof useEvidence>;

export function useEvidence(
  diagnosis: Diagnosis | null,
  sources: readonly Source[],
  current: string,
  setCurrent: (name: string) => void,
) {
  const [selected, setSelected] = useState<number | null>(null);
  const [jump, setJump] = useState<Jump | null>(null);
  const [activeAttempt, setActiveAttempt] = useState<number | null>(null);
  const seq = useRef(0);
  const attemptOf = useMemo(() => recordIndex(diagnosis?.timeline ?? []), [diagnosis]);

  // A new diagnosis invalidates the picked finding (its index may point elsewhere now).
  useEffect(() => {
    setSelected(null);
    setActiveAttempt(null);
  }, [diagnosis]);

  const marks = useMemo(() => {
    const m = new Map<number, Severity>();
    for (const f of diagnosis?.findings ?? []) {
      for (const e of f.evidence) {
        if (e.source !== current || e.line === undefined) continue;
        const had = m.get(e.line);
        if (had === undefined || SEVERITY_RANK[f.severity] < SEVERITY_RANK[had]) m.set(e.line, f.severity);
      }
    }
    return m;
  }, [diagnosis, current]);

  const active = useMemo(() => {
    const lines = new Set<number>();
    const f = selected !== null ? diagnosis?.findings[selected] : undefined;
    for (const e of f?.evidence ?? []) if (e.source === current && e.line !== undefined) lines.add(e.line);
    return lines;
  }, [diagnosis, selected, current]);

  const textSources = new Set(sources.filter((s) => shownText(s) !== undefined).map((s) => s.name));
  const canShow = (e: Evidence) =>
    (e.line !== undefined && textSources.has(e.source)) ||
    (e.recordId !== undefined && attemptOf.has(recordKey(e)));

  const show = (index: number, evidence?: Evidence) => {
    setSelected(index);
    const f = diagnosis?.findings[index];
    const target = evidence ?? f?.evidence.find(canShow);
    if (!target) return;
    if (target.line !== undefined) {
      setCurrent(target.source);
      seq.current += 1;
      setJump({ source: target.source, line: target.line, seq: seq.current });
      return;
    }
    const attempt = attemptOf.get(recordKey(target));
    if (attempt === undefined) return;
    setActiveAttempt(attempt);
    const el = document.getElementById(`attempt-${attempt}`);
    el?.scrollIntoView({ block: 'center' });
    el?.focus({ preventScroll: true });
  };

  return { selected, jump, activeAttempt, marks, active, canShow, show };
}
