/**
 * Exact decimal arithmetic for exchange number strings ("61837.63000000"), as BigInt scaled by
 * 10^scale. The fake exchange sums volumes and notionals with it so its candles and tickers carry
 * the same digits an exchange would print, with no float rounding.
 */

const DECIMAL = /^(\d+)(?:\.(\d*))?$/;

/**
 * Parses a non-negative decimal string into an integer scaled by 10^scale, truncating digits
 * beyond `scale`. Returns undefined for anything that is not a plain decimal. O(length), allocates.
 */
export function parseFixed(text: string, scale: number): bigint | undefined {
  const match = DECIMAL.exec(text);
  if (match === null) return undefined;
  const fraction = (match[2] ?? '').slice(0, scale).padEnd(scale, '0');
  return BigInt(match[1] + fraction);
}

/**
 * Formats `value` (scaled by 10^scale) with exactly `decimals` fraction digits, truncating
 * further digits (`decimals` <= `scale`). O(digits), allocates the string.
 */
export function formatFixed(value: bigint, scale: number, decimals: number): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const truncated = magnitude / 10n ** BigInt(scale - decimals);
  const digits = truncated.toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  const body = decimals > 0 ? `${whole}.${fraction}` : whole;
  return negative ? `-${body}` : body;
}
