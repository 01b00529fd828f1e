/**
 * Value area: the rows around the point of control that hold `share` of the volume, found the
 * standard way: start at the POC row and add, one row at a time, whichever adjacent row (just
 * below or just above the area) has more volume (the upper one on a tie), until the area holds at
 * least `share` of the total.
 */

/** Caller-owned result: inclusive row range; both -1 when there is no volume. */
export class ValueArea {
  lowRow = -1;
  highRow = -1;
  /** Volume inside the area. */
  volume = 0;
}

/**
 * Computes the value area of rows `buy[r] + sell[r]` for r < `rows` around `pocRow` into `out`.
 * `share` is clamped to [0, 1]. O(rows); allocates nothing.
 */
export function findValueArea(buy: Float64Array, sell: Float64Array, rows: number, pocRow: number, share: number, out: ValueArea): void {
  let total = 0;
  for (let r = 0; r < rows; r++) total += buy[r] + sell[r];
  if (!(total > 0) || pocRow < 0 || pocRow >= rows) {
    out.lowRow = -1;
    out.highRow = -1;
    out.volume = 0;
    return;
  }
  const target = total * Math.min(1, Math.max(0, share));
  let low = pocRow;
  let high = pocRow;
  let volume = buy[pocRow] + sell[pocRow];
  while (volume < target && (low > 0 || high < rows - 1)) {
    const below = low > 0 ? buy[low - 1] + sell[low - 1] : -1;
    const above = high < rows - 1 ? buy[high + 1] + sell[high + 1] : -1;
    if (above >= below) {
      high++;
      volume += above;
    } else {
      low--;
      volume += below;
    }
  }
  out.lowRow = low;
  out.highRow = high;
  out.volume = volume;
}
