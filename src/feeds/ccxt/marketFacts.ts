/**
 * Market facts (tick size, decimals) from a ccxt market. ccxt states precision in one of three
 * modes (`exchange.precisionMode`): TICK_SIZE (the value is the step, e.g. 0.01; Binance and OKX
 * in ccxt 4.5), DECIMAL_PLACES (the value is a digit count, e.g. 2) or SIGNIFICANT_DIGITS (no fixed
 * step; the price limit's minimum is the best guess).
 */
import { tickSizeProblem } from '../../engine/book/priceGrid';
import type { MarketFacts } from '../../engine/protocol';
import { FeedOpenError } from '../feedOpenError';

/** ccxt's precision-mode constants (`ccxt.functions.TICK_SIZE` etc.). */
export interface PrecisionModes {
  DECIMAL_PLACES: number;
  SIGNIFICANT_DIGITS: number;
  TICK_SIZE: number;
}

/** The fields of a ccxt market this reads. */
export interface CcxtMarketLike {
  symbol?: string;
  precision?: { price?: number | undefined; amount?: number | undefined };
  limits?: { price?: { min?: number | undefined } };
}

/** Used when an exchange states nothing usable: fine enough for any price. */
const FALLBACK_STEP = 1e-8;
const MAX_DECIMALS = 16;

/**
 * Decimals needed to write `step` exactly (0.01 → 2, 0.5 → 1, 0.25 → 2, 10 → 0), at most 16.
 * O(decimals); allocates nothing.
 */
export function decimalsOf(step: number): number {
  if (!(step > 0 && step < Infinity)) return 0;
  let scaled = step;
  for (let d = 0; d < MAX_DECIMALS; d++) {
    const whole = Math.round(scaled);
    if (whole >= 1 && Math.abs(scaled - whole) <= 1e-9 * scaled) return d;
    scaled *= 10;
  }
  return MAX_DECIMALS;
}

/** The step (smallest increment) a ccxt precision value means in `mode`; NaN when unknown. O(1). */
export function stepOf(value: number | undefined, mode: number, modes: PrecisionModes): number {
  if (typeof value !== 'number' || !(value >= 0 && value < Infinity)) return NaN;
  if (mode === modes.TICK_SIZE) return value > 0 ? value : NaN;
  // Parsed from text: Math.pow(10, -4) is 0.00009999999999999999, not 0.0001.
  if (mode === modes.DECIMAL_PLACES) return Number.isInteger(value) ? Number(`1e-${value}`) : NaN;
  return NaN; // SIGNIFICANT_DIGITS: the step depends on the price
}

/**
 * Tick size and decimals of `market` on `exchange`. A price precision the exchange states but
 * that makes no usable tick (0, negative, NaN, Infinity, not a number, below 1e-12) rejects with a
 * non-retryable FeedOpenError naming it: guessing a tick would group and round every price
 * wrongly. Only an absent precision (or SIGNIFICANT_DIGITS) falls back to the price limit's
 * minimum, else 1e-8. O(1); allocates the result.
 */
export function marketFactsOf(exchange: string, symbol: string, market: CcxtMarketLike, precisionMode: number, modes: PrecisionModes): MarketFacts {
  const stated: unknown = market.precision?.price;
  const stepMode = precisionMode === modes.TICK_SIZE || precisionMode === modes.DECIMAL_PLACES;
  let tick = stepOf(stated as number | undefined, precisionMode, modes);
  if (tick !== tick && stepMode && stated !== undefined && stated !== null) {
    const shown = typeof stated === 'number' ? String(stated) : typeof stated === 'string' ? JSON.stringify(stated.slice(0, 40)) : `of type ${typeof stated}`;
    throw new FeedOpenError(`${exchange} ${symbol}: unusable market facts: price precision ${shown} gives no tick size`, false);
  }
  if (tick !== tick) {
    const min = market.limits?.price?.min;
    tick = typeof min === 'number' && tickSizeProblem(min) === null ? min : FALLBACK_STEP;
  }
  const problem = tickSizeProblem(tick);
  if (problem !== null) throw new FeedOpenError(`${exchange} ${symbol}: unusable market facts: ${problem}`, false);
  const amountStep = stepOf(market.precision?.amount, precisionMode, modes);
  return {
    exchange,
    symbol,
    tickSize: tick,
    pricePrecision: decimalsOf(tick),
    amountPrecision: amountStep === amountStep ? decimalsOf(amountStep) : 8,
  };
}
