/**
 * Number formatting to the market's precision. Fixed decimals (not Intl grouping) so that
 * columns of prices line up in a monospace font and formatting stays cheap per frame.
 */

/** Formats prices with `precision` decimals. */
export function priceFormatter(precision: number): (price: number) => string {
  const digits = clampDigits(precision);
  return (price) => (Number.isFinite(price) ? price.toFixed(digits) : '—');
}

/** Formats amounts with `precision` decimals. */
export function amountFormatter(precision: number): (amount: number) => string {
  const digits = clampDigits(precision);
  return (amount) => (Number.isFinite(amount) ? amount.toFixed(digits) : '—');
}

/** Short volumes for axes and legends: 1234 → 1.23K, 5.6e6 → 5.6M. */
export function compactNumber(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toFixed(2)}B`;
  if (a >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(x / 1e3).toFixed(1)}K`;
  if (a >= 100) return x.toFixed(0);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/** Decimals for a value of indicator kind output (RSI 0..100, ratios, prices). */
export function valueFormatter(pricePrecision: number, isPrice: boolean): (x: number) => string {
  const price = priceFormatter(pricePrecision);
  return (x) => (isPrice ? price(x) : compactOrFixed(x));
}

function compactOrFixed(x: number): string {
  if (!Number.isFinite(x)) return '—';
  return Math.abs(x) >= 1e4 ? compactNumber(x) : x.toFixed(Math.abs(x) >= 100 ? 1 : Math.abs(x) >= 1 ? 2 : 4);
}

function clampDigits(precision: number): number {
  return Math.min(12, Math.max(0, Math.round(precision)));
}
