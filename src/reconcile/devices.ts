// The device side: what a device says of itself, from the inputs `diagnose` reads. This is the one
// place reconcile calls the diagnosis pipeline (one device's captures and logs in, one report out).
import { analyzeInputs, type TextInput } from '../diagnose.js';
import type { Diagnosis } from '../types.js';
import { describeRow } from './read.js';
import type { DeviceReport } from './types.js';

/** Diagnoses one device's inputs (a capture, its logs, or a bundle's files) and keeps what reconcile needs. */
export function diagnoseDevice(inputs: TextInput[], options: { now?: string } = {}): DeviceReport {
  const analysis = analyzeInputs(inputs, {
    ...(options.now !== undefined ? { now: options.now } : {}),
    lenient: true,
  });
  return reportOf(analysis.diagnosis, inputs[0]?.name ?? '-');
}

/** A diagnosis (made here or read from JSON) as a device report. */
export function reportOf(d: Diagnosis, source: string, line?: number): DeviceReport {
  const report: DeviceReport = {
    ref: { source, text: '', ...(line !== undefined ? { line } : {}) },
    verdict: d.verdict,
    joinType: d.joinType,
    phase: d.phase,
    findingIds: d.findings.map((f) => f.id),
  };
  const id = d.device?.deviceId
    ?.trim()
    .toLowerCase()
    .replace(/^\{|\}$/g, '');
  if (id) report.deviceId = id;
  if (d.device?.name) report.name = d.device.name;
  if (d.device?.azureAdJoined !== undefined) report.azureAdJoined = d.device.azureAdJoined;
  if (d.device?.domainJoined !== undefined) report.domainJoined = d.device.domainJoined;
  report.ref.text = describeRow({ kind: 'device-diagnosis', row: report });
  return report;
}
