import { EngineError } from '../engineError';
import { MIN_PRICE } from './levelValidity';

/** Largest tick accepted: no market steps by more, and buckets of many ticks must stay finite. */
export const MAX_TICK_SIZE = 1e9;

/** Why `tickSize` cannot make a grid (zero, negative, NaN, infinite, below 1e-12, above 1e9), or null. */
export function tickSizeProblem(tickSize: number): string | null {
  return tickSize >= MIN_PRICE && tickSize <= MAX_TICK_SIZE
    ? null
    : `tick size must be a number from ${MIN_PRICE} to ${MAX_TICK_SIZE}, got ${typeof tickSize === 'number' ? String(tickSize) : typeof tickSize}`;
}

/**
 * A market's tick grid. Prices are snapped to buckets of whole ticks in integer units of the
 * tick's decimal scale, so a bucket's price is the double nearest its decimal value (the same
 * number `Number("61837.63")` gives) rather than an accumulation of float error.
 */
export class PriceGrid {
  /** 10^decimals: multiplying a price on the grid by it gives an exact integer. */
  readonly scale: number;
  readonly decimals: number;
  /** The tick in integer units of `scale`. */
  readonly tickUnits: number;

  /** Throws EngineError('badParameter') for a tick {@link tickSizeProblem} refuses. */
  constructor(readonly tickSize: number) {
    const problem = tickSizeProblem(tickSize);
    if (problem !== null) throw new EngineError('badParameter', problem);
    let decimals = 0;
    let scale = 1;
    // Smallest power of ten that makes the tick an integer (ticks such as 0.5, 0.01, 1e-8).
    while (decimals < 15 && Math.abs(Math.round(tickSize * scale) - tickSize * scale) > 1e-9 * tickSize * scale) {
      decimals++;
      scale *= 10;
    }
    this.decimals = decimals;
    this.scale = scale;
    this.tickUnits = Math.round(tickSize * scale);
  }

  /** Lower edge of the bucket of `ticksPerBucket` ticks that holds `price` (bids round down). O(1). */
  floorToBucket(price: number, ticksPerBucket: number): number {
    const units = this.tickUnits * ticksPerBucket;
    return (Math.floor(Math.round(price * this.scale) / units) * units) / this.scale;
  }

  /** Upper edge of the bucket that holds `price` (asks round up). O(1). */
  ceilToBucket(price: number, ticksPerBucket: number): number {
    const units = this.tickUnits * ticksPerBucket;
    return (Math.ceil(Math.round(price * this.scale) / units) * units) / this.scale;
  }
}
