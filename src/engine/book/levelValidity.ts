/**
 * Smallest price (and tick) the engine accepts. Below it a number is noise or a unit error, and
 * a grid of such ticks overflows the exact integer range of a double at any real price.
 */
export const MIN_PRICE = 1e-12;

/** A usable price: finite and at least {@link MIN_PRICE} (false for NaN). */
export function isPrice(p: number): boolean {
  return p >= MIN_PRICE && p < Infinity;
}

/** A usable size: finite and >= 0 (0 means "no level"). */
export function isSize(s: number): boolean {
  return s >= 0 && s < Infinity;
}
