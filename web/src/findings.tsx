// The verdict and the findings are drawn by the components the HTML report is rendered from
// (src/report/components/), so the page and the report cannot drift. Re-exported here for the
// fleet dashboard, which shows a device's diagnosis the same way.

export { Findings } from '../../src/report/components/findings.js';
export { Verdict } from '../../src/report/components/verdict.js';
export { docsLabel } from '../../src/report/links.js';
