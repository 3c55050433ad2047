import { render } from 'preact';
import { loadCodeNames } from '../../src/kb/lookup.js';
import { App } from './app.js';
import { preloadReports } from './report.js';
import { setPageNames } from './use-analysis.js';
import './styles.css';

render(<App />, document.getElementById('app')!);

// The names from the Windows headers and the report writers load on demand (files of their own).
// Fetch them while the page is idle, so that it keeps working offline once loaded; they come from
// where the page came from.
const idle = (fn: () => void) =>
  'requestIdleCallback' in window ? window.requestIdleCallback(fn, { timeout: 5000 }) : setTimeout(fn, 2000);
idle(() => {
  void loadCodeNames().then(setPageNames, () => {});
  void preloadReports().catch(() => {});
  void import('./zip.js').catch(() => {});
});
