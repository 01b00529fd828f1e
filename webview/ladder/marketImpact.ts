/**
 * Market impact of a market order, computed from the book levels the panel holds (the raw levels
 * nearest the touch the host sends, not the whole book): a buy walks the asks, a sell the bids. The average
 * fill accumulates the excess over the best row's price, and slippage is measured against that
 * best price, as the engine's `OrderBook.impact` does; when the window is thinner than the
 * quantity, `filled` says how much of it the window covers.
 */
import type { BookSideRows } from '../state/bookModel';

export class Impact {
  /** Quantity the window can fill (less than asked when the window is too thin). */
  filled = 0;
  averagePrice = NaN;
  /** Cost of the average price relative to the best price, in basis points (>= 0). */
  slippageBps = NaN;
}

/** Walks `side` (best first) for `quantity`. O(rows consumed); writes into `out`. */
export function marketImpact(side: BookSideRows, isBuy: boolean, quantity: number, out: Impact): Impact {
  out.filled = 0;
  out.averagePrice = NaN;
  out.slippageBps = NaN;
  if (!(quantity > 0) || side.count === 0) return out;
  const best = side.price(0);
  let remaining = quantity;
  let excess = 0;
  for (let r = 0; r < side.count && remaining > 0; r++) {
    const take = Math.min(remaining, side.size(r));
    excess += take * (isBuy ? side.price(r) - best : best - side.price(r));
    remaining -= take;
  }
  out.filled = quantity - Math.max(0, remaining);
  if (out.filled === 0) return out;
  const perUnit = excess / out.filled;
  out.averagePrice = isBuy ? best + perUnit : best - perUnit;
  out.slippageBps = (perUnit / best) * 1e4;
  return out;
}
