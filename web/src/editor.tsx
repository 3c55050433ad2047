// The input text, editable or not, with the lines that findings rest on marked behind it. A plain
// textarea keeps pasting, selecting and screen readers working; the marks and line numbers are
// layers drawn in step with its scrolling (both use the same fixed line height).
import type { JSX } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Severity } from '../../src/types.js';

/** A request to bring a line into view; `seq` makes a repeated request for the same line count. */
export interface Jump {
  source: string;
  line: number;
  seq: number;
}

interface Props {
  id: string;
  label: string;
  text: string;
  readOnly: boolean;
  placeholder?: string;
  onText?: (text: string) => void;
  /** The most severe finding resting on each line. */
  marks: ReadonlyMap<number, Severity>;
  /** The lines of the finding the user picked. */
  active: ReadonlySet<number>;
  jump: Jump | null;
  describedBy?: string;
}

const MAX_MARKED_LINES = 20000;

function reducedMotion(): boolean {
  return window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
}

export function Editor(props: Props) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const layer = useRef<HTMLDivElement>(null);
  const lineCount = props.text === '' ? 1 : props.text.split('\n').length;

  const sync = () => {
    const ta = area.current;
    if (!ta) return;
    const y = `translateY(${-ta.scrollTop}px)`;
    if (gutter.current) gutter.current.style.transform = y;
    if (layer.current) layer.current.style.transform = y;
  };

  useLayoutEffect(sync, [props.text]);

  // A layout effect, not an effect: the scroll lands in the same frame as the marks of the picked
  // finding. A plain effect waits for the next animation frame (up to 100 ms when the page is
  // busy or hidden), so a reader or a test looking right after the click saw the old position.
  useLayoutEffect(() => {
    const ta = area.current;
    const jump = props.jump;
    if (!ta || !jump) return;
    const lh = Number.parseFloat(getComputedStyle(ta).lineHeight) || 20;
    ta.scrollTop = Math.max(0, (jump.line - 1) * lh - ta.clientHeight / 3);
    sync();
    const box = ta.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {
      ta.scrollIntoView({ block: 'nearest', behavior: reducedMotion() ? 'auto' : 'smooth' });
    }
  }, [props.jump]);

  const numbers = Array.from({ length: Math.min(lineCount, MAX_MARKED_LINES) }, (_, i) => i + 1).join('\n');
  const bars: JSX.Element[] = [];
  if (lineCount <= MAX_MARKED_LINES) {
    for (const [line, severity] of props.marks) {
      bars.push(
        <div
          key={line}
          class={`mark mark-${severity}${props.active.has(line) ? ' mark-active' : ''}`}
          style={{ top: `calc(var(--lh) * ${line - 1} + var(--pad))` }}
        />,
      );
    }
  }

  return (
    <div class="editor">
      <div class="gutter" aria-hidden="true">
        <div class="gutter-inner" ref={gutter}>
          {numbers}
        </div>
      </div>
      <div class="editor-main">
        <div class="marks" aria-hidden="true">
          <div class="marks-inner" ref={layer}>
            {bars}
          </div>
        </div>
        <textarea
          id={props.id}
          ref={area}
          aria-label={props.label}
          aria-describedby={props.describedBy}
          value={props.text}
          readOnly={props.readOnly}
          placeholder={props.placeholder}
          wrap="off"
          spellcheck={false}
          autocomplete="off"
          autocapitalize="off"
          onInput={(e) => props.onText?.((e.currentTarget as HTMLTextAreaElement).value)}
          onScroll={sync}
        />
      </div>
    </div>
  );
}
