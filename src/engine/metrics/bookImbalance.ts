/**
 * Order-book imbalance (OBI) over the best `depth` levels of each side: bid total − ask total
 * (base amount) and the normalized ratio (bid − ask)/(bid + ask) in [−1, 1].
 *
 * Reads the book's own layout: one array of sizes per side, sorted so that the best level is at
 * the END (index count−1), `count` levels in use. Prices are not needed for a top-N measure.
 */

/** Caller-owned result of {@link measureBookImbalance}; reuse one per caller. */
export class BookImbalance {
  /** Sum of the bid sizes counted. */
  bidTotal = NaN;
  /** Sum of the ask sizes counted. */
  askTotal = NaN;
  /** bidTotal − askTotal. */
  difference = NaN;
  /** (bid − ask)/(bid + ask); NaN when both totals are 0 (an empty book). */
  ratio = NaN;
}

/**
 * Measures the imbalance over min(depth, count) best levels per side into `out`. Returns false,
 * with every field of `out` NaN, when depth is not an integer ≥ 1, a count is not an integer in
 * 0..its array's length, or a counted size is negative or not finite.
 * O(depth); allocates nothing.
 */
export function measureBookImbalance(
  bidSizes: Float64Array,
  bidCount: number,
  askSizes: Float64Array,
  askCount: number,
  depth: number,
  out: BookImbalance,
): boolean {
  const valid =
    Number.isInteger(depth) && depth >= 1 && validCount(bidCount, bidSizes) && validCount(askCount, askSizes);
  const bidTotal = valid ? topTotal(bidSizes, bidCount, depth) : NaN;
  const askTotal = valid ? topTotal(askSizes, askCount, depth) : NaN;
  if (Number.isNaN(bidTotal) || Number.isNaN(askTotal)) {
    out.bidTotal = NaN;
    out.askTotal = NaN;
    out.difference = NaN;
    out.ratio = NaN;
    return false;
  }
  const sum = bidTotal + askTotal;
  out.bidTotal = bidTotal;
  out.askTotal = askTotal;
  out.difference = bidTotal - askTotal;
  out.ratio = sum > 0 ? (bidTotal - askTotal) / sum : NaN;
  return true;
}

function validCount(count: number, sizes: Float64Array): boolean {
  return Number.isInteger(count) && count >= 0 && count <= sizes.length;
}

/** Sum of the last min(depth, count) sizes; NaN when one is negative or not finite. */
function topTotal(sizes: Float64Array, count: number, depth: number): number {
  const stop = Math.max(0, count - depth);
  let total = 0;
  for (let i = count - 1; i >= stop; i--) {
    const size = sizes[i]!;
    if (!(size >= 0 && size < Infinity)) return NaN;
    total += size;
  }
  return total;
}
