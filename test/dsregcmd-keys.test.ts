// The tables of dsregcmd's keys and sections hold each name as printed and as normalized, written
// out so that start-up does not normalize them (src/dsregcmd/keys.ts): each pair must agree.
import { describe, expect, it } from 'vitest';
import {
  FLAG,
  FLAG_KEYS,
  KEY_NAMES,
  KEY_ORDER,
  KEY_SPELLINGS,
  KNOWN_KEYS,
  KNOWN_SECTIONS,
  normalizeKey,
  normalizeSection,
  SECTION_SPELLINGS,
} from '../src/dsregcmd/keys.js';

describe('the known keys and sections', () => {
  it('writes each key as normalizeKey makes it', () => {
    for (const [printed, key] of KEY_SPELLINGS) expect(key, printed).toBe(normalizeKey(printed));
    expect(KEY_SPELLINGS.length).toBeGreaterThan(100);
  });

  it('writes each section as normalizeSection makes it', () => {
    for (const [printed, key] of SECTION_SPELLINGS) expect(key, printed).toBe(normalizeSection(printed));
    expect(KNOWN_SECTIONS.has(normalizeSection('Work Account 2'))).toBe(true);
  });

  it('makes the tables the rest of the code reads from the one list', () => {
    expect(KEY_ORDER).toEqual(KEY_SPELLINGS.map(([printed]) => normalizeKey(printed)));
    expect([...KNOWN_KEYS].sort()).toEqual([...new Set(KEY_ORDER)].sort());
    for (const [key, printed] of KEY_NAMES) expect(normalizeKey(printed)).toBe(key);
    // The flags: YES or NO keys, among them the join states and the PRT.
    for (const printed of ['AzureAdJoined', 'DomainJoined', 'AzureAdPrt', 'Auto Detect Settings'])
      expect(FLAG_KEYS.has(normalizeKey(printed)), printed).toBe(true);
    expect(FLAG_KEYS.has(normalizeKey('DeviceId'))).toBe(false);
    expect(FLAG_KEYS.size).toBe(KEY_SPELLINGS.filter((k) => k[2] === FLAG).length);
  });
});
