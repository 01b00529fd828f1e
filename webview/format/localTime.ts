/**
 * Times in the user's local zone. lightweight-charts only knows UTC; the chart keeps true UTC
 * timestamps and formats them locally (`localization.timeFormatter` for the crosshair label,
 * `timeScale.tickMarkFormatter` for the axis) instead of shifting the data by the local offset:
 * shifted data would be wrong at a DST change (an hour of bars repeats or vanishes, and a
 * repeated time makes the series unsorted), every time the panel sends back (`loadOlder`) would
 * have to be un-shifted, and the crosshair would show a time that never happened in UTC.
 * The cost: the axis picks its tick positions on UTC boundaries, so a "day" tick sits at UTC
 * midnight; it is labelled with the local clock time unless that is local midnight.
 */
import { TickMarkType, type Time, type UTCTimestamp } from 'lightweight-charts';
import { TIMEFRAME_MS } from '../../src/engine/protocol';

/** Length of a timeframe such as `1m`, `4h`, `1w` in ms (the engine's table); NaN when unknown. */
export function timeframeMs(timeframe: string): number {
  return (TIMEFRAME_MS as Readonly<Record<string, number>>)[timeframe] ?? NaN;
}

export interface TimeFormatters {
  /** Crosshair label and legend. */
  crosshair(time: Time): string;
  /** Axis tick labels (at most 8 characters). */
  tickMark(time: Time, type: TickMarkType): string | null;
  /** Tape clock, HH:MM:SS local. */
  clock(ms: number): string;
}

/**
 * Formatters for bars of `timeframe`. Daily and weekly bars are UTC days by the exchanges'
 * definition, so they are labelled with their UTC date; shorter bars with the local clock.
 * `timeZone` is for tests; the default is the machine's zone.
 */
export function timeFormatters(timeframe: string, locale?: string, timeZone?: string): TimeFormatters {
  const length = timeframeMs(timeframe);
  const daily = length >= 86400e3;
  const seconds = !(length >= 60e3);
  const zone = daily ? 'UTC' : timeZone;
  const dateTime = new Intl.DateTimeFormat(locale, {
    timeZone: zone,
    weekday: 'short',
    day: '2-digit',
    month: 'short',
    year: '2-digit',
    ...(daily ? {} : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const }),
    ...(seconds ? { second: '2-digit' as const } : {}),
  });
  /** "Fri 09 Aug '24 05:28:41": the parts in a fixed order, whatever the locale's punctuation. */
  const crosshairText = (ms: number): string => {
    const p: Record<string, string> = {};
    for (const part of dateTime.formatToParts(ms)) p[part.type] = part.value;
    const clock = daily ? '' : ` ${p.hour}:${p.minute}${seconds ? `:${p.second}` : ''}`;
    return `${p.weekday} ${p.day} ${p.month} '${p.year}${clock}`;
  };
  const clock = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const hm = new Intl.DateTimeFormat(locale, { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const hms = new Intl.DateTimeFormat(locale, { timeZone: zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const year = new Intl.DateTimeFormat(locale, { timeZone: zone, year: 'numeric' });
  const month = new Intl.DateTimeFormat(locale, { timeZone: zone, month: 'short' });
  const day = new Intl.DateTimeFormat(locale, { timeZone: zone, day: 'numeric', month: 'short' });
  return {
    crosshair: (time) => crosshairText(toMs(time)),
    tickMark: (time, type) => {
      const ms = toMs(time);
      if (type === TickMarkType.Time) return hm.format(ms);
      if (type === TickMarkType.TimeWithSeconds) return hms.format(ms);
      // A date-weight tick sits on a UTC boundary: a date only if it is also a local one.
      if (!daily && !isMidnight(ms, hm)) return hm.format(ms);
      if (type === TickMarkType.Year) return year.format(ms);
      if (type === TickMarkType.Month) return month.format(ms);
      return day.format(ms);
    },
    clock: (ms) => clock.format(ms),
  };
}

/** The chart's time for a bar open time in ms. */
export function chartTime(ms: number): UTCTimestamp {
  return (ms / 1000) as UTCTimestamp;
}

function toMs(time: Time): number {
  if (typeof time === 'number') return time * 1000;
  if (typeof time === 'string') return Date.parse(time);
  return Date.UTC(time.year, time.month - 1, time.day);
}

/** True when the clock `hm` shows 00:00 at `ms`. */
function isMidnight(ms: number, hm: Intl.DateTimeFormat): boolean {
  let clock = 0;
  for (const part of hm.formatToParts(ms)) if (part.type === 'hour' || part.type === 'minute') clock += Number(part.value);
  return clock === 0;
}
