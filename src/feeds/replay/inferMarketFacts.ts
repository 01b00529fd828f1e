/**
 * A recording carries no market metadata, so the replay infers the tick size and precisions from
 * the numbers it holds: the most decimals any price (or size) needs in its shortest exact form.
 * Binance writes `61837.63000000` but the shortest form `61837.63` needs 2 decimals: tick 0.01.
 * This finds a power-of-ten tick; a market with a tick like 0.5 gets 0.1 (a finer grid, which
 * groups correctly, only with more empty rows).
 */
import type { MarketFacts } from '../../engine/protocol';
import { decimalText } from '../recorder/decimalText';

/** More decimals than this are noise (a float stored by some writer), not a tick. */
const MAX_DECIMALS = 12;
/** When a recording has no numbers at all. */
const DEFAULT_PRICE_DECIMALS = 2;
const DEFAULT_AMOUNT_DECIMALS = 4;

/** Decimals in the shortest exact text of `x` (capped); -1 for a non-positive or non-finite x. */
export function decimalsOf(x: number): number {
  if (!(x > 0 && x < Infinity)) return -1;
  const text = decimalText(x);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : Math.min(MAX_DECIMALS, text.length - dot - 1);
}

/** Facts for a replayed market from sample prices and sizes. O(samples). */
export function inferMarketFacts(exchange: string, symbol: string, prices: readonly number[], sizes: readonly number[]): MarketFacts {
  let priceDecimals = -1;
  for (const p of prices) priceDecimals = Math.max(priceDecimals, decimalsOf(p));
  let amountDecimals = -1;
  for (const s of sizes) amountDecimals = Math.max(amountDecimals, decimalsOf(s));
  if (priceDecimals < 0) priceDecimals = DEFAULT_PRICE_DECIMALS;
  if (amountDecimals < 0) amountDecimals = DEFAULT_AMOUNT_DECIMALS;
  return {
    exchange,
    symbol,
    tickSize: Number(`1e-${priceDecimals}`),
    pricePrecision: priceDecimals,
    amountPrecision: amountDecimals,
  };
}
