/**
 * A recording carries no market metadata, so the replay infers the tick size and precisions from
 * the numbers it holds: the most decimals any price (or size) needs in its shortest exact form.
 * Binance writes `61837.63000000` but the shortest form `61837.63` needs 2 decimals: tick 0.01.
 * This finds a power-of-ten tick; a market with a tick like 0.5 gets 0.1 (a finer grid, which
 * groups correctly, only with more empty rows).
 *
 * A price needing more decimals than the grid can hold exactly (price × 10^decimals must stay
 * below 2^53, and at most 12 decimals) is float noise from some writer, not a tick: it is left
 * out and reported. Samples that are no price at all are left out too (the source reports their
 * lines).
 */
import { isPrice } from '../../engine/book/levelValidity';
import type { MarketFacts } from '../../engine/protocol';
import { decimalText } from '../wire/decimalText';

/** More decimals than this are noise (a float stored by some writer), not a tick. */
const MAX_DECIMALS = 12;
/** When a recording has no numbers at all. */
const DEFAULT_PRICE_DECIMALS = 2;
const DEFAULT_AMOUNT_DECIMALS = 4;

/** Decimals in the shortest exact text of `x`; -1 for a non-positive or non-finite x. */
export function decimalsOf(x: number): number {
  if (!(x > 0 && x < Infinity)) return -1;
  const text = decimalText(x);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Most decimals a grid can use for prices up to `maxPrice` and stay exact (at most 12). */
function decimalsLimit(maxPrice: number): number {
  if (!(maxPrice > 0)) return MAX_DECIMALS;
  return Math.max(0, Math.min(MAX_DECIMALS, Math.floor(Math.log10(Number.MAX_SAFE_INTEGER / maxPrice))));
}

/**
 * Facts for a replayed market from sample prices and sizes; `report` hears which samples were
 * left out and why. O(samples).
 */
export function inferMarketFacts(
  exchange: string,
  symbol: string,
  prices: readonly number[],
  sizes: readonly number[],
  report: (problem: string) => void = () => undefined,
): MarketFacts {
  let maxPrice = 0;
  for (const p of prices) if (isPrice(p) && p > maxPrice) maxPrice = p;
  const limit = decimalsLimit(maxPrice);
  let priceDecimals = -1;
  let noisy = 0;
  for (const p of prices) {
    if (!isPrice(p)) continue;
    const d = decimalsOf(p);
    if (d > limit) noisy++;
    else if (d > priceDecimals) priceDecimals = d;
  }
  let amountDecimals = -1;
  for (const s of sizes) amountDecimals = Math.max(amountDecimals, Math.min(MAX_DECIMALS, decimalsOf(s)));
  if (noisy > 0) report(`${noisy} sample price(s) need more than ${limit} decimals (float noise): left out of the tick size`);
  if (priceDecimals < 0) priceDecimals = Math.min(DEFAULT_PRICE_DECIMALS, limit);
  if (amountDecimals < 0) amountDecimals = DEFAULT_AMOUNT_DECIMALS;
  return {
    exchange,
    symbol,
    tickSize: Number(`1e-${priceDecimals}`),
    pricePrecision: priceDecimals,
    amountPrecision: amountDecimals,
  };
}
