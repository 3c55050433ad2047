// The reconciliation view: what Active Directory, Microsoft Entra ID and the devices each say, from
// GET /api/v1/reconciliation (the core's reconcile over the server's latest imports and every
// device's latest diagnosis). Counts per state as a chart, the devices of a state with their
// findings and the rows they rest on, links to the device page, a CSV export (the same columns as
// `reconcile --format csv`), and the form that imports an export.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { renderReconcileCsv, STATE_TEXT } from '../../src/reconcile/render.js';
import { type ReconciledDevice, type Reconciliation, STATES, type State } from '../../src/reconcile/types.js';
import { ApiError, getJson, postFile, saveText } from './api.js';

/** The device page of a reconciled device: the fleet device whose diagnosis it rests on. */
export function fleetKeyOf(d: ReconciledDevice): string | undefined {
  for (const f of d.findings) {
    for (const e of f.evidence) if (e.source.startsWith('device ')) return e.source.slice(7);
  }
  return d.diagnosis && d.deviceId ? d.deviceId : undefined;
}

const rowRef = (e: { source: string; line?: number }) => `${e.source}${e.line ? `:${e.line}` : ''}`;

function StateChart({
  r,
  state,
  onPick,
}: {
  r: Reconciliation;
  state: State | '';
  onPick: (s: State | '') => void;
}) {
  const max = Math.max(1, ...STATES.map((s) => r.summary[s] ?? 0));
  return (
    <section class="card" aria-label="States">
      <h2>Devices by state</h2>
      <ul class="bars states">
        {STATES.map((s) => {
          const n = r.summary[s] ?? 0;
          return (
            <li key={s} data-key={s} class={state === s ? 'picked' : ''}>
              <button
                type="button"
                class="link bar-label"
                disabled={n === 0}
                aria-pressed={state === s}
                onClick={() => onPick(state === s ? '' : s)}
              >
                {s} <span class="muted small">{STATE_TEXT[s]}</span>
              </button>
              <span class="bar">
                <span class={`bar-fill state-${s}`} style={{ width: `${(n / max) * 100}%` }} />
              </span>
              <span class="bar-n">{n.toLocaleString('en')}</span>
            </li>
          );
        })}
      </ul>
      <p class="muted small">
        As of {r.asOf.replace('T', ' ').slice(0, 16)} UTC, from{' '}
        {(r.inputs ?? []).map((i) => `${i.source} (${i.rows} rows)`).join(', ') || 'no input'}. A device may
        carry several states.
      </p>
    </section>
  );
}

function DeviceCard({ d }: { d: ReconciledDevice }) {
  const key = fleetKeyOf(d);
  return (
    <article class="card recon-device" data-states={d.states.join(' ')}>
      <h3>
        {key ? <a href={`#/device/${encodeURIComponent(key)}`}>{d.name}</a> : d.name}{' '}
        {d.states.map((s) => (
          <span key={s} class={`pill state-pill state-${s}`}>
            {s}
          </span>
        ))}
      </h3>
      <p class="muted small">
        {[
          d.deviceId && `deviceId ${d.deviceId}`,
          d.objectGuid && `objectGUID ${d.objectGuid}`,
          d.trustType && `trust type ${d.trustType}`,
          `matched by ${d.matchedBy}`,
          d.distinguishedName,
        ]
          .filter(Boolean)
          .join(' · ')}
      </p>
      {d.findings.map((f) => (
        <div key={f.id} class={`recon-finding sev-${f.severity}`} data-finding={f.id}>
          <p>
            <strong>{f.title}</strong>
          </p>
          {f.cause && <p>{f.cause}</p>}
          {(f.fix ?? []).length > 0 && (
            <ul class="fix">
              {(f.fix ?? []).map((x) => (
                <li key={x}>{x}</li>
              ))}
            </ul>
          )}
          <details>
            <summary>Rows it rests on ({f.evidence.length})</summary>
            <ul class="rows">
              {f.evidence.map((e) => (
                <li key={rowRef(e) + e.text}>
                  <code>{rowRef(e)}</code> {e.text}
                </li>
              ))}
            </ul>
          </details>
        </div>
      ))}
    </article>
  );
}

function ImportForm({ onImported }: { onImported: () => void }) {
  const [kind, setKind] = useState<'entra' | 'ad'>('entra');
  const [file, setFile] = useState<File>();
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  return (
    <form
      class="import-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!file) return setStatus({ ok: false, text: 'Choose the export file first.' });
        try {
          await postFile(`/api/v1/imports?kind=${kind}&name=${encodeURIComponent(file.name)}`, file);
          setStatus({ ok: true, text: `${file.name} imported.` });
          onImported();
        } catch (err) {
          setStatus({ ok: false, text: err instanceof Error ? err.message : String(err) });
        }
      }}
    >
      <label>
        Export
        <select name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as 'entra' | 'ad')}>
          <option value="entra">Microsoft Entra devices</option>
          <option value="ad">Active Directory computers</option>
        </select>
      </label>
      <label>
        File
        <input
          name="file"
          type="file"
          accept=".csv,.json,.ldf,.ldif,.txt"
          onChange={(e) => setFile(e.currentTarget.files?.[0])}
        />
      </label>
      <button type="submit">Import</button>
      {status && (
        <p class={status.ok ? 'muted' : 'problem'} role="status">
          {status.text}
        </p>
      )}
    </form>
  );
}

function NothingImported({ onImported }: { onImported: () => void }) {
  return (
    <section class="card recon-empty" aria-label="Import">
      <h2>Nothing imported yet</h2>
      <p>
        The reconciliation matches what Active Directory and Microsoft Entra ID say of each computer with what
        the devices say in their check-ins. Import an export of each directory (the newest of each kind is
        kept):
      </p>
      <ol>
        <li>
          Microsoft Entra ID: in the Microsoft Entra admin center, <em>Devices</em> → <em>All devices</em> →{' '}
          <em>Download devices</em> (CSV), or <code>Get-MgDevice -All | ConvertTo-Json</code>.
        </li>
        <li>
          Active Directory: <code>Get-ADComputer</code> exported to CSV or JSON with the columns the README
          gives, or LDIF from <code>ldifde</code> or <code>ldapsearch</code>.
        </li>
      </ol>
      <p class="muted small">
        Or from a script: <code>POST /api/v1/imports?kind=entra</code> (or <code>kind=ad</code>) with the file
        as the body and the admin token.
      </p>
      <ImportForm onImported={onImported} />
    </section>
  );
}

export function ReconcileView() {
  const [r, setR] = useState<Reconciliation | null>();
  const [error, setError] = useState<string>();
  const [state, setState] = useState<State | ''>('');
  const load = useCallback(() => {
    getJson<Reconciliation>('/api/v1/reconciliation').then(
      (body) => {
        setR(body);
        setError(undefined);
      },
      (e: unknown) => {
        if (e instanceof ApiError && e.status === 404) setR(null);
        else setError(e instanceof Error ? e.message : String(e));
      },
    );
  }, []);
  useEffect(load, [load]);
  if (error)
    return (
      <p class="problem" role="alert">
        {error}
      </p>
    );
  if (r === undefined) return <p class="muted">Loading…</p>;
  if (r === null) return <NothingImported onImported={load} />;
  const shown = state ? r.devices.filter((d) => d.states.includes(state)) : r.devices;
  return (
    <div class="recon">
      <div class="grid">
        <StateChart r={r} state={state} onPick={setState} />
        <section class="card" aria-label="Import">
          <h2>Import a newer export</h2>
          <ImportForm onImported={load} />
        </section>
      </div>
      <section class="card" aria-label="Reconciled devices">
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            State
            <select
              name="state"
              value={state}
              onChange={(e) => setState(e.currentTarget.value as State | '')}
            >
              <option value="">any</option>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            class="quiet"
            onClick={() =>
              saveText(
                renderReconcileCsv({ ...r, devices: shown }),
                `reconciliation${state ? `-${state}` : ''}.csv`,
              )
            }
          >
            Export CSV
          </button>
        </form>
        <h2 class="recon-count">
          {shown.length.toLocaleString('en')} device{shown.length === 1 ? '' : 's'}
          {state ? ` in state ${state}` : ''}
        </h2>
        {shown.map((d, i) => (
          <DeviceCard key={`${d.name}-${i}`} d={d} />
        ))}
      </section>
    </div>
  );
}
