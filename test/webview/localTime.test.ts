/**
 * Chart times in the user's zone: the data stays UTC, the labels are local (with a half-hour
 * offset and across a DST change), and daily bars keep their UTC date.
 */
import { TickMarkType, type UTCTimestamp } from 'lightweight-charts';
import { describe, expect, it } from 'vitest';
import { chartTime, timeFormatters, timeframeMs } from '../../webview/format/localTime';

const at = (iso: string): UTCTimestamp => chartTime(Date.parse(iso));

describe('local time labels', () => {
  it('labels UTC bar times with the local clock (Asia/Kolkata, UTC+05:30)', () => {
    const f = timeFormatters('1m', 'en-GB', 'Asia/Kolkata');
    expect(f.tickMark(at('2024-08-08T23:55:00Z'), TickMarkType.Time)).toBe('05:25');
    expect(f.crosshair(at('2024-08-08T23:55:00Z'))).toBe("Fri 09 Aug '24 05:25");
    // A day tick on UTC midnight is 05:30 locally: the clock, not a date.
    expect(f.tickMark(at('2024-08-09T00:00:00Z'), TickMarkType.DayOfMonth)).toBe('05:30');
    // At local midnight (18:30 UTC) a day tick shows the local date.
    expect(f.tickMark(at('2024-08-08T18:30:00Z'), TickMarkType.DayOfMonth)).toBe('9 Aug');
    expect(f.clock(Date.parse('2024-08-08T23:55:07Z'))).toBe('05:25:07');
  });

  it('follows a DST change instead of shifting by one fixed offset (America/New_York, 2024-11-03)', () => {
    const f = timeFormatters('1s', 'en-GB', 'America/New_York');
    // 05:30 and 06:30 UTC are both "01:30" in New York that night: two distinct bars, same label.
    expect(f.tickMark(at('2024-11-03T05:30:00Z'), TickMarkType.TimeWithSeconds)).toBe('01:30:00');
    expect(f.tickMark(at('2024-11-03T06:30:00Z'), TickMarkType.TimeWithSeconds)).toBe('01:30:00');
    expect(f.crosshair(at('2024-11-03T07:00:05Z'))).toBe("Sun 03 Nov '24 02:00:05");
  });

  it('keeps daily bars on their UTC date', () => {
    const f = timeFormatters('1d', 'en-GB', 'Pacific/Auckland');
    expect(f.crosshair(at('2024-08-09T00:00:00Z'))).toBe("Fri 09 Aug '24");
    expect(f.tickMark(at('2024-08-09T00:00:00Z'), TickMarkType.DayOfMonth)).toBe('9 Aug');
  });

  it('knows the timeframes', () => {
    expect(timeframeMs('1s')).toBe(1000);
    expect(timeframeMs('15m')).toBe(900_000);
    expect(timeframeMs('4h')).toBe(14_400_000);
    expect(timeframeMs('1w')).toBe(604_800_000);
    expect(timeframeMs('1M')).toBeNaN();
  });
});
