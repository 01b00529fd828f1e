/**
 * The decimals the exchange wrote in a capture's trades, found by one pass before the replay:
 * the footprint keys cells by whole ticks, so `verify --footprint` needs a tick at least as fine
 * as every traded price, and prints sums at the amounts' own precision (a sum of decimals with d
 * places has d places; the double sum is rounded back to them, exact far beyond that many trades).
 */
import { EventKind, MarketEvent } from '../engine/events';
import { CaptureReader } from '../feeds/captureReader';

/** Most decimals looked for (beyond, a double cannot tell them apart at real prices). */
const MAX_DECIMALS = 12;

export interface TradeDecimals {
  price: number;
  amount: number;
}

/** Fewest decimals (at least `atLeast`) that write `x` exactly as the double it is. O(decimals). */
export function decimalsOf(x: number, atLeast: number): number {
  for (let d = atLeast; d < MAX_DECIMALS; d++) if (Number(x.toFixed(d)) === x) return d;
  return MAX_DECIMALS;
}

/** Reads `paths` for trades only (problems are reported by the replay itself). */
export async function scanTradeDecimals(paths: readonly string[]): Promise<TradeDecimals> {
  const found: TradeDecimals = { price: 0, amount: 0 };
  const reader = new CaptureReader(paths, {});
  const event = new MarketEvent();
  try {
    for (;;) {
      let more: boolean;
      try {
        more = await reader.fill();
      } catch {
        continue; // a damaged file: the replay reports it
      }
      if (!more) break;
      while (reader.next(event)) {
        // Bad numbers are the replay's to report (the engine refuses them).
        if (event.kind !== EventKind.Trade || !(event.price > 0 && event.price < Infinity && event.amount > 0 && event.amount < Infinity)) continue;
        found.price = decimalsOf(event.price, found.price);
        found.amount = decimalsOf(event.amount, found.amount);
      }
    }
  } finally {
    reader.close();
  }
  return found;
}
