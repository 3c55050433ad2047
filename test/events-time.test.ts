import { describe, expect, it } from 'vitest';
import {
  detectDateOrder,
  isoFromEpochMs,
  normalizeIsoTime,
  parseLocalDateTime,
  parseMsJsonDate,
  timeMs,
} from '../src/events/time.js';

describe('normalizeIsoTime', () => {
  it('keeps the digits the input has (at least three), never through a float', () => {
    expect(normalizeIsoTime('2026-10-03T04:31:02.1234567Z')).toBe('2026-10-03T04:31:02.1234567Z');
    expect(normalizeIsoTime('2016-06-29 15:24:36.685999')).toBe('2016-06-29T15:24:36.685999Z');
    expect(normalizeIsoTime('2026-10-03T04:31:02Z')).toBe('2026-10-03T04:31:02.000Z');
    expect(normalizeIsoTime('2026-10-03T04:31:02.5Z')).toBe('2026-10-03T04:31:02.500Z');
  });

  it("drops libevtx's two padding zeros past 100 ns, but not real digits", () => {
    expect(normalizeIsoTime('2013-10-23T16:22:39.973500000Z')).toBe('2013-10-23T16:22:39.9735000Z');
    expect(normalizeIsoTime('2013-10-23T16:22:39.973500012Z')).toBe('2013-10-23T16:22:39.973500012Z');
  });

  it('converts offsets to UTC, across midnight and month ends', () => {
    expect(normalizeIsoTime('2026-10-03T10:58:32.4413302+02:00')).toBe('2026-10-03T08:58:32.4413302Z');
    expect(normalizeIsoTime('2026-10-31T22:30:00-04:00')).toBe('2026-11-01T02:30:00.000Z');
    expect(normalizeIsoTime('2026-01-01T01:00:00+0530')).toBe('2025-12-31T19:30:00.000Z');
  });

  it('refuses impossible dates instead of rolling them over', () => {
    expect(normalizeIsoTime('2026-02-30T00:00:00Z')).toBeUndefined();
    expect(normalizeIsoTime('2026-13-01T00:00:00Z')).toBeUndefined();
    expect(normalizeIsoTime('2026-10-03T24:00:00Z')).toBeUndefined();
    expect(normalizeIsoTime('yesterday')).toBeUndefined();
  });
});

describe('PowerShell and epoch times', () => {
  it('reads /Date(ms)/ with or without an offset suffix', () => {
    expect(parseMsJsonDate('/Date(1791001862123)/')).toBe('2026-10-03T04:31:02.123Z');
    expect(parseMsJsonDate('/Date(1791001862123-0400)/')).toBe('2026-10-03T04:31:02.123Z');
    expect(parseMsJsonDate('2026-10-03')).toBeUndefined();
    expect(isoFromEpochMs(-1)).toBe('1969-12-31T23:59:59.999Z');
  });

  it('compares times by their milliseconds', () => {
    expect(timeMs('2026-10-03T04:31:02.1239999Z')).toBe(Date.UTC(2026, 9, 3, 4, 31, 2, 123));
  });
});

describe('local dates of CSV exports', () => {
  it('decides day or month first from all the dates of a file', () => {
    expect(detectDateOrder(['10/3/2026 8:58:32 AM', '10/13/2026 8:58:32 AM'])).toEqual({
      order: 'mdy',
      certain: true,
    });
    expect(detectDateOrder(['03/10/2026 08:58', '13/10/2026 08:58'])).toEqual({
      order: 'dmy',
      certain: true,
    });
    expect(detectDateOrder(['03.10.2026 08:58:31'])).toEqual({ order: 'dmy', certain: true });
    expect(detectDateOrder(['2026/10/03 08:58:31'])).toEqual({ order: 'ymd', certain: true });
    expect(detectDateOrder(['10/3/2026 8:58:32 PM'])).toEqual({ order: 'mdy', certain: true });
    expect(detectDateOrder(['03/04/2026 08:58'])).toEqual({ order: 'dmy', certain: false });
  });

  it('reads the shapes Windows cultures print, 12-hour clocks included', () => {
    expect(parseLocalDateTime('10/3/2026 12:05:09 AM', 'mdy')).toEqual({
      time: '2026-10-03T00:05:09.000Z',
      local: true,
    });
    expect(parseLocalDateTime('10/3/2026 12:05:09 PM', 'mdy')?.time).toBe('2026-10-03T12:05:09.000Z');
    expect(parseLocalDateTime('3.10.2026 16:20:06', 'dmy')?.time).toBe('2026-10-03T16:20:06.000Z');
    expect(parseLocalDateTime('2026-10-03 16:20', 'dmy')?.time).toBe('2026-10-03T16:20:00.000Z');
    expect(parseLocalDateTime('03/10/26 16:20:06', 'dmy')?.time).toBe('2026-10-03T16:20:06.000Z');
    expect(parseLocalDateTime('2026-10-03T16:20:06+02:00', 'dmy')).toEqual({
      time: '2026-10-03T14:20:06.000Z',
      local: false,
    });
    expect(parseLocalDateTime('31/02/2026 10:00', 'dmy')).toBeUndefined();
  });
});
