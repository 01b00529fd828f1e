/**
 * Allocation-free JSON scanning over a range of a string, for the fast paths of exchange
 * decoders: no objects, no substrings, no number strings. Every function returns the index
 * after what it read, or -1 when the text there is not what it expects (not valid JSON, or a
 * form the scanner leaves to JSON.parse, like escaped keys); the caller then falls back to
 * JSON.parse, so a scanner's verdict never differs from the plain path's.
 */
import type { DecimalReader } from './decimalReader';

// Character codes the scanners look at.
export const QUOTE = 34;
export const COMMA = 44;
export const COLON = 58;
export const BACKSLASH = 92;
export const OPEN_BRACKET = 91;
export const CLOSE_BRACKET = 93;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;
export const ZERO = 48;
const NINE = 57;

/** Deepest nesting of a skipped value walked before leaving it to JSON.parse. */
const MAX_SKIP_DEPTH = 32;

/** JSON whitespace: space, tab, line feed, carriage return. */
export function skipSpace(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
    i++;
  }
  return i;
}

/**
 * A key at `i` (`"name"`) without escapes; returns the index after its closing quote, or -1.
 * Escaped keys are left to JSON.parse, which may decode them to a known name.
 */
export function scanKey(text: string, i: number, end: number): number {
  if (i >= end || text.charCodeAt(i) !== QUOTE) return -1;
  for (let k = i + 1; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === QUOTE) return k + 1;
    if (c === BACKSLASH || c < 32) return -1;
  }
  return -1;
}

/**
 * `"<unsigned decimal>"` at `i` (exchanges send prices and sizes as strings); the number lands
 * in `decimal.value`. Returns the index after the closing quote, or -1.
 */
export function scanQuotedDecimal(text: string, i: number, end: number, decimal: DecimalReader): number {
  if (i >= end || text.charCodeAt(i) !== QUOTE) return -1;
  if (!decimal.read(text, i + 1, end)) return -1;
  const close = decimal.end;
  return close < end && text.charCodeAt(close) === QUOTE ? close + 1 : -1;
}

/** Validates and skips any JSON value (the keys a decoder ignores). */
export function skipValue(text: string, i: number, end: number, depth = 0): number {
  if (i >= end) return -1;
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipString(text, i, end);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    if (depth >= MAX_SKIP_DEPTH) return -1;
    const isObject = c === OPEN_BRACE;
    const close = isObject ? CLOSE_BRACE : CLOSE_BRACKET;
    i = skipSpace(text, i + 1, end);
    if (i < end && text.charCodeAt(i) === close) return i + 1;
    for (;;) {
      if (isObject) {
        i = skipString(text, i, end);
        if (i < 0) return -1;
        i = skipSpace(text, i, end);
        if (i >= end || text.charCodeAt(i) !== COLON) return -1;
        i = skipSpace(text, i + 1, end);
      }
      i = skipValue(text, i, end, depth + 1);
      if (i < 0) return -1;
      i = skipSpace(text, i, end);
      if (i >= end) return -1;
      const next = text.charCodeAt(i);
      if (next === close) return i + 1;
      if (next !== COMMA) return -1;
      i = skipSpace(text, i + 1, end);
    }
  }
  if (text.startsWith('true', i)) return i + 4 <= end ? i + 4 : -1;
  if (text.startsWith('false', i)) return i + 5 <= end ? i + 5 : -1;
  if (text.startsWith('null', i)) return i + 4 <= end ? i + 4 : -1;
  return skipNumber(text, i, end);
}

/** A JSON string at `i` (escapes validated); returns the index after the closing quote. */
function skipString(text: string, i: number, end: number): number {
  if (i >= end || text.charCodeAt(i) !== QUOTE) return -1;
  for (let k = i + 1; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === QUOTE) return k + 1;
    if (c < 32) return -1;
    if (c === BACKSLASH) {
      k++;
      if (k >= end) return -1;
      const escaped = text.charCodeAt(k);
      if (escaped === 117 /* u */) {
        if (k + 4 >= end) return -1;
        for (let h = k + 1; h <= k + 4; h++) if (!isHexDigit(text.charCodeAt(h))) return -1;
        k += 4;
      } else if (!isSimpleEscape(escaped)) {
        return -1;
      }
    }
  }
  return -1;
}

/** The characters after `\` in a two-character JSON escape: `" \ / b f n r t`. */
function isSimpleEscape(c: number): boolean {
  return c === QUOTE || c === BACKSLASH || c === 47 || c === 98 || c === 102 || c === 110 || c === 114 || c === 116;
}

function isHexDigit(c: number): boolean {
  return (c >= ZERO && c <= NINE) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** A JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`. */
function skipNumber(text: string, i: number, end: number): number {
  if (i < end && text.charCodeAt(i) === 45 /* - */) i++;
  if (i >= end) return -1;
  if (text.charCodeAt(i) === ZERO) {
    i++;
  } else {
    const digitsStart = i;
    i = skipDigits(text, i, end);
    if (i === digitsStart) return -1;
  }
  if (i < end && text.charCodeAt(i) === 46 /* . */) {
    const fractionStart = ++i;
    i = skipDigits(text, i, end);
    if (i === fractionStart) return -1;
  }
  if (i < end && (text.charCodeAt(i) === 101 || text.charCodeAt(i) === 69) /* e E */) {
    i++;
    if (i < end && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45) /* + - */) i++;
    const exponentStart = i;
    i = skipDigits(text, i, end);
    if (i === exponentStart) return -1;
  }
  return i;
}

function skipDigits(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) break;
    i++;
  }
  return i;
}
