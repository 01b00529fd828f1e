/**
 * Timestamps of the order-flow database (`book.timestamp`, `trades.timestamp`, TEXT).
 *
 * Written as ISO-8601 UTC with milliseconds and `Z` (`2024-08-08T23:54:16.123Z`, what
 * `Date.toISOString` gives): sortable as text, unambiguous, readable by Python's
 * `datetime.fromisoformat` (3.11+) and by SQLite's date functions.
 *
 * Read from what other writers produce:
 * - ISO-8601 with `T` or a space between date and time, seconds optional, any number of fraction
 *   digits (`.` or `,`), and `Z`, `±hh`, `±hhmm` or `±hh:mm`; a time without zone (Python's naive
 *   `str(datetime)`) is taken as UTC;
 * - epoch numbers, as INTEGER/REAL values or numeric text: seconds below 1e11, milliseconds below
 *   1e14, microseconds below 1e17, nanoseconds above.
 */

/** Latest time the text form holds (9999-12-31T23:59:59.999Z); later years need a sign. */
export const MAX_ORDER_FLOW_TIME_MS = 253_402_300_799_999;

/** Text for an exchange time in ms (0 to {@link MAX_ORDER_FLOW_TIME_MS}). O(1); allocates the string. */
export function formatOrderFlowTime(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}

/** The largest time `Date` represents, ms. */
const MAX_DATE_MS = 8.64e15;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const EPOCH = /^\d+(\.\d+)?$/;

/**
 * Milliseconds since the epoch (fraction kept) for a stored timestamp, or NaN when it is none of
 * the accepted forms. O(length); allocates what the regular expression does.
 */
export function parseOrderFlowTime(value: unknown): number {
  if (typeof value === 'number') return epochMs(value);
  if (typeof value === 'bigint') return epochMs(Number(value));
  if (typeof value !== 'string') return NaN;
  const text = value.trim();
  if (EPOCH.test(text)) return epochMs(Number(text));
  const m = ISO.exec(text);
  if (m === null) return NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return NaN;
  const fractionMs = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second) + fractionMs;
  const zone = m[8];
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMinutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (offsetHours > 23 || offsetMinutes > 59) return NaN;
    ms -= sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  return Math.abs(ms) <= MAX_DATE_MS ? ms : NaN;
}

function epochMs(x: number): number {
  if (!(x >= 0 && x < Infinity)) return NaN;
  if (x < 1e11) return x * 1000;
  if (x < 1e14) return x;
  if (x < 1e17) return x / 1000;
  return x / 1e6;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
