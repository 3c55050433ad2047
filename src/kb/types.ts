import type { Phase } from '../types.js';

/** The families of codes: who defines them and where they come from. */
export type Family =
  | 'dsreg'
  | 'adal'
  | 'cloudap'
  | 'tpm'
  | 'crypto'
  | 'wininet'
  | 'winhttp'
  | 'win32'
  | 'ntstatus'
  | 'hresult'
  | 'xmllite'
  | 'drs-server'
  | 'aadsts';

/** A code the troubleshooting guide covers, written in the project's own words. */
export interface CodeEntry {
  name: string;
  /** Unsigned 32-bit value (12002 for plain Win32/WinHTTP numbers). */
  value: number;
  family: Family;
  phases: Phase[];
  meaning: string;
  fix: string[];
  docs: string[];
  /** The code only says "look at the sub-error or server error": its fix gives way to a more specific one. */
  generic?: boolean;
}

/** A server-side error that DRS or Entra ID returns as text (DirectoryError, AADSTS50155, ...). */
export interface ServerErrorEntry {
  /** Stable id, kebab case: aadsts50155, drs-device-not-found, drs-throttled ... */
  id: string;
  /** What the server prints: DirectoryError, AuthenticationError, AADSTS50155 ... */
  code: string;
  family: 'drs-server' | 'aadsts';
  phases: Phase[];
  /** Matched against the server message, case-insensitively; absent means the code alone decides. */
  messagePattern?: RegExp;
  title: string;
  meaning: string;
  fix: string[];
  docs: string[];
}
