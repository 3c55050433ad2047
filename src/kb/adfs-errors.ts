// AD FS errors (MSIS...) that reach a device in the PRT diagnostics of `dsregcmd /status` or in the
// AAD log (1081), when the enterprise PRT is requested from the federation service. Written in this
// project's own words from the published error texts.
import { DOCS } from './docs.js';

export interface AdfsErrorEntry {
  /** MSIS9682 */
  code: string;
  title: string;
  meaning: string;
  fix: string[];
  docs: string[];
}

export const ADFS_ERRORS: AdfsErrorEntry[] = [
  {
    code: 'MSIS9682',
    title: 'AD FS does not know the device that signed the request',
    meaning:
      'AD FS refused the request for an enterprise PRT because the certificate that signed it does not belong to a device that AD FS knows as registered with a transport key. AD FS looks hybrid joined devices up in the on-premises directory, where Microsoft Entra Connect device writeback puts them; without device writeback, or with the device registration of AD FS not set up, AD FS cannot find the device.',
    fix: [
      'Enable device writeback in Microsoft Entra Connect, and check that the device appears in the RegisteredDevices container of the forest that AD FS reads.',
      'Check that device authentication is enabled on AD FS and that AD FS is configured for the devices registered with Microsoft Entra ID.',
      'Then lock and unlock (or sign out and in) and check that EnterprisePrt turns YES.',
    ],
    docs: [DOCS.deviceWriteback, DOCS.adfsDeviceAuthentication],
  },
];

const BY_CODE = new Map(ADFS_ERRORS.map((e) => [e.code, e]));

/** The AD FS error a text names (MSIS followed by four digits), with its entry where one is known. */
export function findAdfsError(
  text: string | undefined,
): { code: string; entry?: AdfsErrorEntry } | undefined {
  const code = /\bMSIS\d{4}\b/i.exec(text ?? '')?.[0]?.toUpperCase();
  if (!code) return undefined;
  const entry = BY_CODE.get(code);
  return entry ? { code, entry } : { code };
}
