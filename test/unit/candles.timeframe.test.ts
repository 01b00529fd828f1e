import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  barOpenTime,
  parseTimeframe,
  TIMEFRAME_MS,
  TIMEFRAMES,
  TimeframeError,
  type Timeframe,
} from '../../src/engine/candles/timeframe';

/** Bar length from the name alone: number × unit. */
function lengthFromName(tf: string): number {
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[tf.slice(-1)];
  return Number(tf.slice(0, -1)) * (unit ?? NaN);
}

/** Bar open time by calendar arithmetic on Date: truncate the fields below the unit. */
function calendarOpenTime(timeMs: number, tf: Timeframe): number {
  const d = new Date(timeMs);
  const n = Number(tf.slice(0, -1));
  switch (tf.slice(-1)) {
    case 's':
      d.setUTCMilliseconds(0);
      break;
    case 'm':
      d.setUTCSeconds(0, 0);
      d.setUTCMinutes(Math.floor(d.getUTCMinutes() / n) * n);
      break;
    case 'h':
      d.setUTCMinutes(0, 0, 0);
      d.setUTCHours(Math.floor(d.getUTCHours() / n) * n);
      break;
    case 'd':
      d.setUTCHours(0, 0, 0, 0);
      break;
    case 'w': {
      d.setUTCHours(0, 0, 0, 0);
      const daysSinceMonday = (d.getUTCDay() + 6) % 7;
      d.setUTCDate(d.getUTCDate() - daysSinceMonday);
      break;
    }
  }
  return d.getTime();
}

describe('timeframes', () => {
  it('lists the eleven supported timeframes, each with its length', () => {
    expect([...TIMEFRAMES]).toEqual(['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '1d', '1w']);
    for (const tf of TIMEFRAMES) expect(TIMEFRAME_MS[tf]).toBe(lengthFromName(tf));
  });

  it('parses every supported name, ignoring surrounding blanks', () => {
    for (const tf of TIMEFRAMES) {
      expect(parseTimeframe(tf)).toBe(tf);
      expect(parseTimeframe(` ${tf}\t`)).toBe(tf);
    }
  });

  it('returns a typed error naming the bad value, without throwing', () => {
    for (const bad of ['1M', '2m', '60s', '', 'm1', '1 m', 'toString', 5, null, undefined, {}]) {
      const result = parseTimeframe(bad);
      expect(result).toBeInstanceOf(TimeframeError);
      const error = result as TimeframeError;
      expect(error.value).toBe(bad);
      expect(error.message).toContain(JSON.stringify(String(bad)));
      expect(error.message).toContain('1m');
    }
  });

  it('opens bars on calendar boundaries in UTC (weeks on Monday 00:00)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_102_444_800_000 }), // 1970 .. 2100
        fc.constantFrom(...TIMEFRAMES),
        (t, tf) => {
          const open = barOpenTime(t, tf);
          expect(open).toBe(calendarOpenTime(t, tf));
          expect(t - open).toBeGreaterThanOrEqual(0);
          expect(t - open).toBeLessThan(TIMEFRAME_MS[tf]);
          expect(barOpenTime(open, tf)).toBe(open);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('puts the capture day 2024-08-08 (a Thursday) in the week of Monday 2024-08-05', () => {
    const t = Date.UTC(2024, 7, 8, 23, 55, 30);
    const open = barOpenTime(t, '1w');
    expect(new Date(open).toISOString()).toBe('2024-08-05T00:00:00.000Z');
    expect(new Date(open).getUTCDay()).toBe(1);
  });

  it('keeps sub-millisecond times inside their bar and passes NaN through', () => {
    expect(barOpenTime(1_723_161_359_999.75, '1m')).toBe(1_723_161_300_000);
    expect(barOpenTime(NaN, '1m')).toBeNaN();
  });
});
