/**
 * Numbers as plain decimal text (`0.00000015`, never `1.5e-7`): the capture format and Binance
 * write prices and sizes that way, and the capture decoder accepts no exponent.
 */

/**
 * The shortest plain decimal whose `Number()` is exactly `x` (finite, >= 0; the caller checks).
 * JavaScript's shortest round-trip digits, with any exponent expanded into zeros, so reading
 * the text back gives the same double. O(digits); allocates the string.
 */
export function decimalText(x: number): string {
  const text = String(x);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const mantissa = text.slice(0, e);
  const exponent = Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  // Where the decimal point falls within `digits` once the exponent is applied.
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}
