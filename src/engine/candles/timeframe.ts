/**
 * Candle timeframes: the supported names, their length, and where a bar opens.
 *
 * Names follow ccxt and Binance (`1m` is a minute; `1M` would be a month and is not supported).
 */

/** Every supported timeframe, shortest first. */
export const TIMEFRAMES = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '1d', '1w'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Length of one bar of each timeframe in ms. */
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '1s': SECOND,
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '4h': 4 * HOUR,
  '1d': DAY,
  '1w': 7 * DAY,
};

/**
 * Weekly bars open on Monday 00:00 UTC (Binance, ccxt). The Unix epoch fell on a Thursday, so
 * weeks are counted from the first Monday, 1970-01-05, four days later. Every shorter timeframe
 * divides a day, so counting from the epoch aligns them to UTC midnight.
 */
const WEEK_ANCHOR_MS = 4 * DAY;

/** A timeframe setting that is not one of {@link TIMEFRAMES}; `value` is what was given. */
export class TimeframeError extends Error {
  constructor(readonly value: unknown) {
    super(`Unsupported timeframe ${JSON.stringify(String(value))}: use one of ${TIMEFRAMES.join(', ')}`);
    this.name = 'TimeframeError';
  }
}

/**
 * Reads a timeframe setting. Surrounding blanks are ignored; case matters (`1M` is not `1m`).
 * Returns the timeframe, or a {@link TimeframeError} naming the bad value (never throws).
 * O(1); allocates only the error.
 */
export function parseTimeframe(text: unknown): Timeframe | TimeframeError {
  if (typeof text === 'string') {
    const name = text.trim();
    if (Object.prototype.hasOwnProperty.call(TIMEFRAME_MS, name)) return name as Timeframe;
  }
  return new TimeframeError(text);
}

/**
 * Open time (ms, UTC) of the `tf` bar that contains `timeMs`: the start of its second, minute,
 * hour, day, or of its week on Monday 00:00 UTC. NaN in, NaN out. O(1); allocates nothing.
 */
export function barOpenTime(timeMs: number, tf: Timeframe): number {
  const length = TIMEFRAME_MS[tf];
  const anchor = tf === '1w' ? WEEK_ANCHOR_MS : 0;
  // Double modulo keeps times before the anchor (or the epoch) on the right side.
  const into = (((timeMs - anchor) % length) + length) % length;
  return timeMs - into;
}
