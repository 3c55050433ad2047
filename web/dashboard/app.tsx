import { useCallback, useEffect, useState } from 'preact/hooks';
import { JOIN_TYPE_TEXT } from '../../src/report/text.js';
import type { JoinType } from '../../src/types.js';
import { Findings, Verdict } from '../src/findings.js';
import { ApiError, type Device, type DevicePage, download, getJson, type Summary, token } from './api.js';
import { ReconcileView } from './reconcile.js';

const VERDICTS = ['failed', 'warning', 'healthy', 'unknown'] as const;
const PHASES = ['precheck', 'discover', 'auth', 'join', 'post-join'] as const;
const JOIN_TYPES = Object.keys(JOIN_TYPE_TEXT) as JoinType[];
const FUNNEL_LABEL: Record<string, string> = {
  'domain-joined': 'Domain joined',
  'scp-read': 'SCP read (past discovery)',
  registered: 'Registered in Entra ID',
  prt: 'Holds a PRT',
};

type Route = { view: 'fleet' } | { view: 'device'; key: string } | { view: 'reconciliation' };

const route = (): Route => {
  const m = /^#\/device\/(.+)$/.exec(location.hash);
  if (m) return { view: 'device', key: decodeURIComponent(m[1]!) };
  return location.hash === '#/reconciliation' ? { view: 'reconciliation' } : { view: 'fleet' };
};

function TokenForm({ onDone, problem }: { onDone: () => void; problem?: string }) {
  const [value, setValue] = useState('');
  return (
    <form
      class="token-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!value.trim()) return;
        token.set(value.trim());
        onDone();
      }}
    >
      <h2>Admin token</h2>
      <p class="muted">
        The token that <code>dsreg-doctor serve</code> printed at its first start (or
        DSREG_DOCTOR_ADMIN_TOKEN). It stays in this tab only.
      </p>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      <label for="token">Token</label>
      <input
        id="token"
        type="password"
        autocomplete="off"
        value={value}
        onInput={(e) => setValue(e.currentTarget.value)}
      />
      <button type="submit">Open the dashboard</button>
    </form>
  );
}

function Counts({
  title,
  counts,
  labels,
}: {
  title: string;
  counts: Record<string, number>;
  labels?: Record<string, string>;
}) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return (
    <section class="card" aria-label={title}>
      <h2>{title}</h2>
      <ul class="bars">
        {entries.map(([k, n]) => (
          <li key={k} data-key={k}>
            <span class="bar-label">{labels?.[k] ?? k}</span>
            <span class="bar">
              <span class={`bar-fill fill-${k}`} style={{ width: `${total ? (n / total) * 100 : 0}%` }} />
            </span>
            <span class="bar-n">{n.toLocaleString('en')}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Funnel({ funnel }: { funnel: NonNullable<Summary['funnel']> }) {
  const top = funnel[0]?.devices ?? 0;
  return (
    <section class="card" aria-label="Join funnel">
      <h2>Hybrid join funnel</h2>
      <ol class="funnel">
        {funnel.map((s) => (
          <li key={s.step} data-step={s.step}>
            <span class="bar-label">{FUNNEL_LABEL[s.step] ?? s.step}</span>
            <span class="bar">
              <span class="bar-fill fill-step" style={{ width: `${top ? (s.devices / top) * 100 : 0}%` }} />
            </span>
            <span class="bar-n">{s.devices.toLocaleString('en')}</span>
            {s.lost > 0 && <span class="lost">−{s.lost.toLocaleString('en')} stop here</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

function DayChart({ days }: { days: Summary['checkinsByDay'] }) {
  const max = Math.max(1, ...days.map((d) => d.checkins));
  const w = 12;
  return (
    <section class="card" aria-label="Check-ins per day">
      <h2>Check-ins and failures per day</h2>
      {days.length === 0 ? (
        <p class="muted">No check-in yet.</p>
      ) : (
        <svg
          class="chart"
          viewBox={`0 0 ${Math.max(days.length, 14) * w} 100`}
          preserveAspectRatio="none"
          role="img"
        >
          <title>Check-ins (light) and failed check-ins (dark) per day</title>
          {days.map((d, i) => (
            <g key={d.day}>
              <rect
                class="all"
                x={i * w + 1}
                width={w - 2}
                y={100 - (d.checkins / max) * 100}
                height={(d.checkins / max) * 100}
              >
                <title>{`${d.day}: ${d.checkins} check-ins, ${d.failed} failed`}</title>
              </rect>
              <rect
                class="failed"
                x={i * w + 1}
                width={w - 2}
                y={100 - (d.failed / max) * 100}
                height={(d.failed / max) * 100}
              />
            </g>
          ))}
        </svg>
      )}
      {days.length > 0 && (
        <p class="muted small">
          {days[0]!.day} to {days[days.length - 1]!.day}
        </p>
      )}
    </section>
  );
}

function TopCodes({ codes, onPick }: { codes: Summary['topCodes']; onPick: (hex: string) => void }) {
  return (
    <section class="card" aria-label="Top error codes">
      <h2>Top error codes</h2>
      {codes.length === 0 ? (
        <p class="muted">No device cites an error code.</p>
      ) : (
        <table class="top-codes">
          <thead>
            <tr>
              <th>Code</th>
              <th>Name</th>
              <th class="num">Devices</th>
            </tr>
          </thead>
          <tbody>
            {codes.map((c) => (
              <tr key={c.hex}>
                <td>
                  <button type="button" class="link" onClick={() => onPick(c.hex)}>
                    <code>{c.hex}</code>
                  </button>
                </td>
                <td>{c.name ?? ''}</td>
                <td class="num">{c.devices.toLocaleString('en')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

interface Filters {
  verdict: string;
  phase: string;
  joinType: string;
  code: string;
  q: string;
}

const query = (f: Filters) =>
  Object.entries(f)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');

function FilterForm({ filters, setFilters }: { filters: Filters; setFilters: (f: Filters) => void }) {
  const [search, setSearch] = useState(filters.q);
  const select = (name: keyof Filters, label: string, values: readonly string[]) => (
    <label>
      {label}
      <select
        value={filters[name]}
        onChange={(e) => setFilters({ ...filters, [name]: e.currentTarget.value })}
        name={name}
      >
        <option value="">any</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form
      class="filters"
      onSubmit={(e) => {
        e.preventDefault();
        setFilters({ ...filters, q: search.trim() });
      }}
    >
      {select('verdict', 'Verdict', VERDICTS)}
      {select('phase', 'Phase', PHASES)}
      {select('joinType', 'Join type', JOIN_TYPES)}
      <label>
        Code
        <input
          name="code"
          value={filters.code}
          placeholder="0x801c03f2"
          onChange={(e) => setFilters({ ...filters, code: e.currentTarget.value.trim() })}
        />
      </label>
      <label class="search">
        Search
        <input
          name="q"
          type="search"
          value={search}
          placeholder="name or DeviceId"
          onInput={(e) => setSearch(e.currentTarget.value)}
        />
      </label>
      <button type="submit">Search</button>
      <button
        type="button"
        class="quiet"
        onClick={() => void download(`/api/v1/devices.csv?${query(filters)}`, 'devices.csv')}
      >
        Export CSV
      </button>
    </form>
  );
}

function DeviceTable({ rows }: { rows: DevicePage['devices'] }) {
  return (
    <div class="table-wrap">
      <table class="device-table">
        <thead>
          <tr>
            <th>Device</th>
            <th>Verdict</th>
            <th>Phase</th>
            <th>Join type</th>
            <th>Codes</th>
            <th>Last check-in</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.key} data-verdict={d.verdict}>
              <td>
                <a href={`#/device/${encodeURIComponent(d.key)}`}>{d.name ?? d.key}</a>
                {d.unidentified && <span class="muted small"> (unidentified)</span>}
              </td>
              <td>
                <span class={`pill pill-${d.verdict}`}>{d.verdict}</span>
              </td>
              <td>{d.phase ?? ''}</td>
              <td>{d.joinType}</td>
              <td>
                {d.codes.map((c) => (
                  <code key={c}>{c} </code>
                ))}
              </td>
              <td>{d.lastCheckin.replace('T', ' ').slice(0, 16)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DeviceList({ filters, setFilters }: { filters: Filters; setFilters: (f: Filters) => void }) {
  const [pages, setPages] = useState<DevicePage[]>([]);
  const [error, setError] = useState<string>();
  const load = useCallback(
    async (cursor?: string) => {
      try {
        const page = await getJson<DevicePage>(
          `/api/v1/devices?limit=25&${query(filters)}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        setPages((p) => (cursor ? [...p, page] : [page]));
        setError(undefined);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    },
    [filters],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const rows = pages.flatMap((p) => p.devices);
  const next = pages[pages.length - 1]?.next;
  return (
    <section class="card devices" aria-label="Devices">
      <h2>Devices</h2>
      <FilterForm filters={filters} setFilters={setFilters} />
      {error && (
        <p class="problem" role="alert">
          {error}
        </p>
      )}
      <DeviceTable rows={rows} />
      {rows.length === 0 && !error && <p class="muted">No device matches.</p>}
      {next && (
        <button type="button" class="more" onClick={() => void load(next)}>
          More devices
        </button>
      )}
    </section>
  );
}

function DeviceView({ deviceKey }: { deviceKey: string }) {
  const [device, setDevice] = useState<Device>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    getJson<Device>(`/api/v1/devices/${encodeURIComponent(deviceKey)}`).then(setDevice, (e: Error) =>
      setError(e.message),
    );
  }, [deviceKey]);
  if (error)
    return (
      <p class="problem" role="alert">
        {error}
      </p>
    );
  if (!device) return <p class="muted">Loading…</p>;
  return (
    <div class="device-view">
      <p>
        <a href="#/">← All devices</a>
      </p>
      <h2 class="device-title">{device.name ?? device.key}</h2>
      <p class="muted small">
        Key {device.key}
        {device.deviceId ? `, DeviceId ${device.deviceId}` : ''}
      </p>
      <Verdict diagnosis={device.diagnosis} />
      <Findings diagnosis={device.diagnosis} selected={null} canShow={() => false} onShow={() => {}} />
      <section class="card" aria-label="History">
        <h2>History</h2>
        <table class="history">
          <thead>
            <tr>
              <th>Received</th>
              <th>Verdict</th>
              <th>Phase</th>
              <th>Context</th>
            </tr>
          </thead>
          <tbody>
            {device.history.map((h) => (
              <tr key={h.id}>
                <td>{h.receivedAt.replace('T', ' ').slice(0, 19)}</td>
                <td>
                  <span class={`pill pill-${h.verdict}`}>{h.verdict}</span>
                </td>
                <td>{h.phase ?? ''}</td>
                <td>{h.context ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

function FleetView({
  summary,
  filters,
  setFilters,
}: {
  summary: Summary | undefined;
  filters: Filters;
  setFilters: (f: Filters) => void;
}) {
  return (
    <>
      {summary && (
        <>
          <p class="fleet-total">
            <strong>{summary.devices.toLocaleString('en')}</strong> devices
          </p>
          <div class="grid">
            <Counts title="Verdicts" counts={summary.verdicts} />
            <Counts title="Join types" counts={summary.joinTypes} labels={JOIN_TYPE_TEXT} />
            {summary.funnel && <Funnel funnel={summary.funnel} />}
            <TopCodes codes={summary.topCodes} onPick={(hex) => setFilters({ ...filters, code: hex })} />
            <DayChart days={summary.checkinsByDay} />
          </div>
        </>
      )}
      <DeviceList filters={filters} setFilters={setFilters} />
    </>
  );
}

function Header({
  signedIn,
  view,
  onSignOut,
}: {
  signedIn: boolean;
  view: Route['view'];
  onSignOut: () => void;
}) {
  return (
    <header class="top">
      <div class="top-inner">
        <h1>
          dsreg-doctor <span class="subtitle">fleet</span>
        </h1>
        {signedIn && (
          <nav class="views" aria-label="Views">
            <a href="#/" aria-current={view === 'fleet' ? 'page' : undefined}>
              Devices
            </a>
            <a href="#/reconciliation" aria-current={view === 'reconciliation' ? 'page' : undefined}>
              Reconciliation
            </a>
            <button type="button" class="quiet" onClick={onSignOut}>
              Sign out
            </button>
          </nav>
        )}
      </div>
    </header>
  );
}

export function App() {
  const [hasToken, setHasToken] = useState(Boolean(token.get()));
  const [problem, setProblem] = useState<string>();
  const [summary, setSummary] = useState<Summary>();
  const [at, setAt] = useState(route());
  const [filters, setFilters] = useState<Filters>({ verdict: '', phase: '', joinType: '', code: '', q: '' });
  useEffect(() => {
    const on = () => setAt(route());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  useEffect(() => {
    if (!hasToken) return;
    getJson<Summary>('/api/v1/summary').then(setSummary, (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) {
        token.clear();
        setProblem('The server did not accept this token.');
        setHasToken(false);
      } else setProblem(e instanceof Error ? e.message : String(e));
    });
  }, [hasToken]);
  const signOut = () => {
    token.clear();
    setHasToken(false);
    setSummary(undefined);
  };
  return (
    <>
      <Header signedIn={hasToken} view={at.view} onSignOut={signOut} />
      <main class="dash">
        {!hasToken ? (
          <TokenForm
            onDone={() => {
              setProblem(undefined);
              setHasToken(true);
            }}
            {...(problem ? { problem } : {})}
          />
        ) : at.view === 'device' ? (
          <DeviceView deviceKey={at.key} />
        ) : at.view === 'reconciliation' ? (
          <ReconcileView />
        ) : (
          <FleetView summary={summary} filters={filters} setFilters={setFilters} />
        )}
      </main>
    </>
  );
}
