// The verdict at a glance: the verdict line, the facts of the device (in the words of the text and
// Markdown reports) and the join flow. The page's heading is an h2 under its title; the HTML report's
// is its h1.

import type { Diagnosis } from '../../types.js';
import { deviceLine, findingCounts, prtLine, showsFlow } from '../markdown.js';
import { JOIN_TYPE_TEXT, verdictLine } from '../text.js';
import { usePage } from './context.js';
import { Flow } from './flow.js';
import { Text } from './rich-text.js';

export function Verdict({ diagnosis: d, level = 2 }: { diagnosis: Diagnosis; level?: 1 | 2 }) {
  const page = usePage();
  const Heading = level === 1 ? 'h1' : 'h2';
  const device = deviceLine(d);
  const prt = prtLine(d);
  return (
    <section
      class={`verdict verdict-${d.verdict}`}
      aria-labelledby={page ? 'verdict-title' : undefined}
      data-verdict={d.verdict}
      data-phase={d.phase ?? ''}
    >
      <Heading id={page ? 'verdict-title' : undefined} class="verdict-line">
        <Text text={verdictLine(d)} />
      </Heading>
      <dl class="facts">
        <div>
          <dt>Join type</dt>
          <dd data-join-type={d.joinType}>{JOIN_TYPE_TEXT[d.joinType]}</dd>
        </div>
        {device && (
          <div>
            <dt>Device</dt>
            <dd>
              <Text text={device} />
            </dd>
          </div>
        )}
        {d.device?.deviceId && (
          <div>
            <dt>Device ID</dt>
            <dd class="mono">
              <Text text={d.device.deviceId} />
            </dd>
          </div>
        )}
        {d.device?.tenantId && (
          <div>
            <dt>Tenant ID</dt>
            <dd class="mono">
              <Text text={d.device.tenantId} />
            </dd>
          </div>
        )}
        {prt && (
          <div>
            <dt>PRT</dt>
            <dd>
              <Text text={prt} />
            </dd>
          </div>
        )}
        <div>
          <dt>Findings</dt>
          <dd>{findingCounts(d)}</dd>
        </div>
      </dl>
      {showsFlow(d) && <Flow diagnosis={d} />}
    </section>
  );
}
