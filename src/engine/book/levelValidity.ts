/** A usable price: finite and > 0 (false for NaN). */
export function isPrice(p: number): boolean {
  return p > 0 && p < Infinity;
}

/** A usable size: finite and >= 0 (0 means "no level"). */
export function isSize(s: number): boolean {
  return s >= 0 && s < Infinity;
}
