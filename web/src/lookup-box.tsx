// A code lookup, as the CLI's `lookup`: any form of a code (hex, decimal, name, code/sub-code,
// AADSTS, a DRS server error, a word to search). The names generated from the Windows headers
// load on first use (their own chunk), so the page starts without them.
import { useEffect, useRef, useState } from 'preact/hooks';
import { type LookupMatch, type LookupResult, loadCodeNames, lookup } from '../../src/kb/lookup.js';
import { DocsItem } from '../../src/report/components/rich-text.js';
import { FixSteps, RichText } from './rich-text.js';

export interface LookupRequest {
  query: string;
  seq: number;
}

function valueLine(r: LookupResult): string | undefined {
  const v = r.value;
  if (!v) return undefined;
  const kind =
    v.kind === 'hresult'
      ? 'HRESULT'
      : v.kind === 'ntstatus'
        ? 'NTSTATUS'
        : v.kind === 'win32'
          ? 'Win32 error'
          : 'unknown kind';
  const facility =
    v.facility !== undefined ? `, facility ${v.facility}${v.facilityName ? ` (${v.facilityName})` : ''}` : '';
  return `signed ${v.signed}, unsigned ${v.unsigned}: ${kind}${facility}, code ${v.code}`;
}

function Match({ m, onLookup }: { m: LookupMatch; onLookup: (q: string) => void }) {
  const tags = [
    m.family,
    m.phases?.length ? `${m.phases.join(', ')} phase${m.phases.length > 1 ? 's' : ''}` : '',
    m.source === 'guide' || m.source === 'server' ? '' : m.source,
  ]
    .filter(Boolean)
    .join(' · ');
  const detailed = Boolean(m.meaning || m.title || m.fix?.length);
  if (!detailed) {
    return (
      <li class="match match-short" data-name={m.name}>
        <button type="button" class="linklike" onClick={() => onLookup(m.name)}>
          <code>{m.name}</code>
        </button>
        {m.hex && <code class="muted"> {m.hex}</code>}
        <span class="match-tags"> {tags}</span>
        {m.via && <span class="match-tags"> (inside, via {m.via})</span>}
      </li>
    );
  }
  return (
    <li class="match" data-name={m.name}>
      <p class="match-head">
        <code class="match-name">{m.name}</code>
        {m.hex && m.source !== 'server' && <code class="muted"> {m.hex}</code>}
        <span class="match-tags"> {tags}</span>
      </p>
      {m.title && <p class="match-title">{m.title}</p>}
      {m.when && <p class="muted">When the server message matches: {m.when}</p>}
      {m.meaning && (
        <p>
          <RichText text={m.meaning} />
        </p>
      )}
      {m.fix && m.fix.length > 0 && <FixSteps steps={m.fix} />}
      {m.docs && m.docs.length > 0 && (
        <ul class="docs">
          {m.docs.map((u) => (
            <li key={u}>
              <DocsItem url={u} />
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function Result({ r, onLookup }: { r: LookupResult; onLookup: (q: string) => void }) {
  if (r.error) {
    return (
      <p class="problem" role="alert">
        {r.query}: {r.error}
      </p>
    );
  }
  const line = valueLine(r);
  return (
    <div class="lookup-result" data-query={r.query} data-hex={r.value?.hex ?? ''}>
      {r.value && (
        <p class="lookup-value">
          <code>{r.value.hex}</code> <span class="muted">{line}</span>
        </p>
      )}
      {r.notes.length > 0 && (
        <ul class="notes">
          {r.notes.map((n) => (
            <li key={n}>
              <RichText text={n} />
            </li>
          ))}
        </ul>
      )}
      {r.parts ? (
        r.parts.map((p, i) => (
          <div class="lookup-part" key={`${p.query}-${i}`}>
            <h4>
              {i === 0 ? 'The error' : 'Underneath'}: <code>{p.query}</code>
            </h4>
            <Result r={p} onLookup={onLookup} />
          </div>
        ))
      ) : (
        <ul class="matches">
          {r.matches.map((m, i) => (
            <Match key={`${m.name}-${m.hex ?? ''}-${i}`} m={m} onLookup={onLookup} />
          ))}
        </ul>
      )}
      {r.related && r.related.length > 0 && (
        <p class="muted">
          Also met as:{' '}
          {r.related.map((x, i) => (
            <span key={x.hex}>
              {i > 0 && '; '}
              <button type="button" class="linklike" onClick={() => onLookup(x.hex)}>
                <code>{x.hex}</code>
              </button>{' '}
              ({x.via}
              {x.names.length > 0 ? `: ${x.names.join(', ')}` : ''})
            </span>
          ))}
        </p>
      )}
    </div>
  );
}

export function LookupBox({ request }: { request: LookupRequest | null }) {
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<LookupResult | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const section = useRef<HTMLElement>(null);

  const run = async (q: string) => {
    setQuery(q);
    if (q.trim() === '') {
      setResult(null);
      return;
    }
    setBusy(true);
    try {
      // Without the headers' names a lookup still decodes the value and knows the guide's codes.
      const names = await loadCodeNames().catch(() => undefined);
      setResult(lookup(q, names));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (!request) return;
    void run(request.query);
    section.current?.scrollIntoView({ block: 'start' });
    input.current?.focus({ preventScroll: true });
  }, [request]);

  return (
    <section class="lookup" aria-labelledby="lookup-title" ref={section}>
      <h2 id="lookup-title">Look up a code</h2>
      <form
        class="lookup-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(query);
        }}
      >
        <label for="lookup-input" class="visually-hidden">
          Code to look up
        </label>
        <input
          id="lookup-input"
          ref={input}
          type="text"
          value={query}
          onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)}
          onFocus={() => void loadCodeNames().catch(() => {})}
          placeholder="0x801c03f2, -2145647630, 12002, AADSTS50155, DirectoryError…"
          autocomplete="off"
          autocapitalize="off"
          spellcheck={false}
          aria-describedby="lookup-help"
        />
        <button type="submit">Look up</button>
      </form>
      <p id="lookup-help" class="muted small">
        Any form: hex with or without 0x, signed or unsigned decimal, a name such as
        DSREG_E_DIRECTORY_FAILURE, code/sub-code, AADSTS codes, server errors, or a word to search names.
      </p>
      <div aria-live="polite" class="lookup-out">
        {busy && <p class="muted">Loading the code tables…</p>}
        {!busy && result && <Result r={result} onLookup={(q) => void run(q)} />}
      </div>
    </section>
  );
}
