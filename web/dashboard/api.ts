// The dashboard's only connection: the fleet API of the server it came from, with the admin token
// that the user typed, kept in sessionStorage (this tab only; no cookie, nothing on disk).
import type { Diagnosis } from '../../src/types.js';

const KEY = 'dsreg-doctor-admin-token';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (t: string) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function get(path: string): Promise<Response> {
  const res = await fetch(path, {
    headers: { Authorization: `Bearer ${token.get() ?? ''}` },
    cache: 'no-store',
  });
  if (!res.ok) {
    let message = `the server answered ${res.status}`;
    try {
      message = ((await res.json()) as { error?: string }).error ?? message;
    } catch {
      // keep the status line
    }
    throw new ApiError(res.status, message);
  }
  return res;
}

export const getJson = async <T>(path: string): Promise<T> => (await get(path)).json() as Promise<T>;

export async function download(path: string, fileName: string): Promise<void> {
  const blob = await (await get(path)).blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export interface Summary {
  devices: number;
  verdicts: Record<string, number>;
  joinTypes: Record<string, number>;
  phases: Record<string, number>;
  topCodes: { hex: string; name?: string; devices: number }[];
  checkinsByDay: { day: string; checkins: number; failed: number }[];
  funnel?: { step: string; devices: number; lost: number }[];
}

export interface DeviceRow {
  key: string;
  name: string | null;
  domain: string | null;
  deviceId: string | null;
  joinType: string;
  verdict: string;
  phase: string | null;
  codes: string[];
  lastCheckin: string;
  unidentified?: boolean;
}

export interface DevicePage {
  devices: DeviceRow[];
  next: string | null;
}

export interface Device extends DeviceRow {
  diagnosis: Diagnosis;
  history: { id: string; receivedAt: string; verdict: string; phase: string | null; context?: string }[];
}

/** POSTs a file as it is (an export for the reconciliation), with the admin token. */
export async function postFile(path: string, file: Blob): Promise<unknown> {
  const res = await fetch(path, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token.get() ?? ''}`,
      'Content-Type': file.type || 'application/octet-stream',
    },
    body: file,
  });
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new ApiError(res.status, body.error ?? `the server answered ${res.status}`);
  return body;
}

/** Offers a text made in the page (a CSV) as a download. */
export function saveText(text: string, fileName: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
