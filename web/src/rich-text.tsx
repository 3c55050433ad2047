// Sentences from the core carry URLs and `commands`: show them as links and code.

const PIECES = /(https?:\/\/[^\s)]+[^\s).,;:]|`[^`]+`)/g;

export function RichText({ text }: { text: string }) {
  const parts = text.split(PIECES);
  return (
    <>
      {parts.map((p, i) => {
        // split() with one capture group puts the matches at the odd indexes.
        if (i % 2 === 0) return p;
        if (p.startsWith('`')) return <code key={i}>{p.slice(1, -1)}</code>;
        return (
          <a key={i} href={p} target="_blank" rel="noopener noreferrer">
            {p}
          </a>
        );
      })}
    </>
  );
}

/** "What to do": the steps of a fix, each with links and commands marked up. */
export function FixSteps({ steps }: { steps: readonly string[] }) {
  return (
    <>
      <h4>What to do</h4>
      <ul>
        {steps.map((step) => (
          <li key={step}>
            <RichText text={step} />
          </li>
        ))}
      </ul>
    </>
  );
}
