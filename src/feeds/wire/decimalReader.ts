/**
 * Exact, allocation-free reading of unsigned decimal text (`61837.63000000`, `5123107837557`,
 * `1723161254087896568`) straight out of a larger string.
 *
 * Why not `Number(text.slice(...))`: the slice allocates once per number and a depth message
 * holds dozens of numbers; and reading while scanning saves a second pass to find the end.
 * The value is always the double `Number()` gives for the same text, because the fast paths
 * only use one correctly rounded operation on exact operands (Clinger's fast path).
 */

/** Largest integer a double holds exactly; mantissas up to it are exact. */
const MAX_EXACT = 9007199254740991;

/** 10^0..10^22: every one is an exact double, so one division by it rounds correctly. */
const POW10 = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
  1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/** hi * 10^9 is exact while hi * 5^9 <= MAX_EXACT (10^9 = 5^9 * 2^9). */
const MAX_HI_FOR_1E9 = Math.floor(MAX_EXACT / 1953125);

const ZERO = 48;
const NINE = 57;
const DOT = 46;

/**
 * Reads one unsigned decimal at a time: digits, optionally `.` and more digits (no sign,
 * exponent or whitespace). Results go to `value` and `end` so nothing is allocated per read.
 */
export class DecimalReader {
  /** The number last read: the same double as `Number()` on its text. NaN after a failed read. */
  value = NaN;
  /** Index just after the text last read. */
  end = 0;
  /** Whether the last number read had a `.` (`"5.0"` is a decimal, not an integer). */
  hasFraction = false;

  /**
   * Reads the decimal that starts at `start` and stops before the first character that cannot
   * continue it, or at `limit`. False (value NaN) when there is no digit at `start` or a `.` is
   * not followed by a digit. O(digits); allocates only for more than about 16 significant
   * digits (then `Number` on a slice), except plain integers of up to 24 digits.
   */
  read(text: string, start: number, limit: number): boolean {
    let mantissa = 0;
    let i = start;
    let c = 0;
    for (; i < limit; i++) {
      c = text.charCodeAt(i);
      if (c < ZERO || c > NINE) break;
      mantissa = mantissa * 10 + (c - ZERO);
    }
    if (i === start) return this.fail(start);
    let fractionDigits = 0;
    this.hasFraction = i < limit && c === DOT;
    if (this.hasFraction) {
      const fractionStart = ++i;
      for (; i < limit; i++) {
        c = text.charCodeAt(i);
        if (c < ZERO || c > NINE) break;
        mantissa = mantissa * 10 + (c - ZERO);
      }
      fractionDigits = i - fractionStart;
      if (fractionDigits === 0) return this.fail(start);
    }
    this.end = i;
    if (mantissa <= MAX_EXACT && fractionDigits <= 22) {
      this.value = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits];
    } else {
      // Beyond the fast path: an exact split for long integers, else the slow exact parser.
      const value = fractionDigits === 0 ? longInteger(text, start, i) : NaN;
      this.value = Number.isNaN(value) ? Number(text.slice(start, i)) : value;
    }
    return true;
  }

  /**
   * Reads `text[start, end)` as one whole decimal: the number, or NaN when the range is
   * anything else (`''`, `-1`, `1.`, `.5`, `1e5`, ` 1`). O(length); allocation as for `read`.
   */
  parse(text: string, start: number, end: number): number {
    // Long integers (19-digit ns timestamps) in one pass rather than read's two.
    if (end - start > 15) {
      const value = longInteger(text, start, end);
      if (!Number.isNaN(value)) {
        this.value = value;
        this.end = end;
        this.hasFraction = false;
        return value;
      }
    }
    return this.read(text, start, end) && this.end === end ? this.value : NaN;
  }

  private fail(start: number): false {
    this.value = NaN;
    this.end = start;
    return false;
  }
}

/**
 * An integer of 16 to 24 digits (beyond 2^53, like ns timestamps) as value = hi * 10^9 + lo,
 * both terms exact, so the one addition rounds exactly like `Number()`; a larger hi falls back
 * to `Number`. NaN when the text is not all digits or has another length.
 */
function longInteger(text: string, start: number, end: number): number {
  const split = end - 9;
  if (split - start < 7 || split - start > 15) return NaN;
  let hi = 0;
  for (let i = start; i < split; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return NaN;
    hi = hi * 10 + digit;
  }
  let lo = 0;
  for (let i = split; i < end; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return NaN;
    lo = lo * 10 + digit;
  }
  return hi <= MAX_HI_FOR_1E9 ? hi * 1e9 + lo : Number(text.slice(start, end));
}
