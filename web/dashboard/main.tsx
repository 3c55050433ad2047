// The fleet dashboard: a second page of the web app, served by `dsreg-doctor serve` at /. The fleet
// at a glance, the device list, and a device's diagnosis drawn by the page's own components.
import { render } from 'preact';
import '../src/styles.css';
import './dashboard.css';
import { App } from './app.js';

render(<App />, document.getElementById('app')!);
