/**
 * Candle timeframes: the supported names, their length, and where a bar opens.
 *
 * Clock timeframes follow ccxt and Binance (`1m` is a minute; `1M` would be a month and is not
 * supported). Activity timeframes close a bar by what traded instead of by the clock: `100t` is
 * 100 trades, `10v` 10 base units of volume (the same count-and-unit shape as `5m`; `t` and `v`
 * are no clock unit, so the two kinds cannot be confused). Exchanges have no history of these.
 */

/** Every clock timeframe, shortest first (the ones exchanges have klines of). */
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

/** Bars of N trades (`100t`) or of N base units of volume (`10v`). */
export type ActivityTimeframe = `${number}t` | `${number}v`;
/** What a chart can show: bars by the clock or by activity. */
export type ChartTimeframe = Timeframe | ActivityTimeframe;

/** The activity timeframes offered in the pickers (any other valid N may be typed in the settings). */
export const ACTIVITY_TIMEFRAME_PRESETS: readonly ActivityTimeframe[] = ['100t', '500t', '1000t', '1v', '10v', '100v'];
/** Every timeframe the pickers offer: the clock ones, then the activity presets. */
export const CHART_TIMEFRAMES: readonly ChartTimeframe[] = [...TIMEFRAMES, ...ACTIVITY_TIMEFRAME_PRESETS];

/** Most trades a tick bar may span (a bar of more would rarely close on any market). */
export const MAX_BAR_TRADES = 1_000_000;
/** Most volume a volume bar may span, base units. */
export const MAX_BAR_VOLUME = 1_000_000;
/** Longest timeframe name (the protocol and the saved view state bound it too). */
export const MAX_TIMEFRAME_LENGTH = 8;

/** How an activity bar closes: after `size` trades, or once its volume reaches `size`. */
export interface ActivityRule {
  unit: 'trades' | 'volume';
  size: number;
}

/**
 * One spelling per bar size, so a chart, a saved view and a setting name the same bars alike:
 * trades a whole number without leading zeros; volume a plain decimal without leading or
 * trailing zeros (`0.5v`, not `.5v`, `0.50v` or `5e-1v`).
 */
const TRADES_NAME = /^[1-9][0-9]*t$/;
const VOLUME_NAME = /^(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?v$/;

/** What a timeframe may be, for messages ("use …", "must be …"). */
export const TIMEFRAME_RULE =
  `one of ${TIMEFRAMES.join(', ')}, N trades as Nt (N from 1 to ${MAX_BAR_TRADES}, e.g. 100t) ` +
  `or N volume as Nv (N above 0, up to ${MAX_BAR_VOLUME}, e.g. 10v)`;

/** A timeframe setting that is not a supported one; `value` is what was given. */
export class TimeframeError extends Error {
  constructor(
    readonly value: unknown,
    why = '',
  ) {
    super(`Unsupported timeframe ${JSON.stringify(String(value))}${why}: use ${TIMEFRAME_RULE}`);
    this.name = 'TimeframeError';
  }
}

/**
 * Reads a clock timeframe (what a kline fetcher can load). Surrounding blanks are ignored; case matters (`1M` is not `1m`).
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
 * Reads a chart timeframe: a clock one as {@link parseTimeframe}, or an activity one (`100t`,
 * `10v`; see {@link activityRule}). Returns it, or a {@link TimeframeError} (never throws).
 * O(length of the text); allocates only the error.
 */
export function parseChartTimeframe(text: unknown): ChartTimeframe | TimeframeError {
  const clock = parseTimeframe(text);
  if (!(clock instanceof TimeframeError)) return clock;
  if (typeof text !== 'string') return clock;
  const name = text.trim();
  if (!TRADES_NAME.test(name) && !VOLUME_NAME.test(name)) return clock;
  const size = Number(name.slice(0, -1));
  if (name.length > MAX_TIMEFRAME_LENGTH) return new TimeframeError(text, `: longer than ${MAX_TIMEFRAME_LENGTH} characters`);
  if (name.endsWith('t') ? size > MAX_BAR_TRADES : !(size > 0 && size <= MAX_BAR_VOLUME)) return new TimeframeError(text, ': bar size out of range');
  return name as ActivityTimeframe;
}

/** True for a bar by the clock (klines exist for it), false for an activity bar. O(1). */
export function isClockTimeframe(tf: ChartTimeframe): tf is Timeframe {
  return Object.prototype.hasOwnProperty.call(TIMEFRAME_MS, tf);
}

/**
 * How bars of an activity timeframe close; null for a clock timeframe or a name that is none.
 * O(length of the name); allocates the rule (or the parse error).
 */
export function activityRule(name: string): ActivityRule | null {
  const tf = parseChartTimeframe(name);
  if (tf instanceof TimeframeError || isClockTimeframe(tf)) return null;
  return { unit: tf.endsWith('t') ? 'trades' : 'volume', size: Number(tf.slice(0, -1)) };
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
