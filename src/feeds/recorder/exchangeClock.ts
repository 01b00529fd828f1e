/**
 * The exchange's time now, estimated from the last exchange timestamp seen plus the local time
 * elapsed since. A mirrored ccxt book carries no exchange time; stamping it with the local clock
 * would put it out of order with the trades (the local clock can be a second or more off).
 */
export class ExchangeClock {
  private lastExchangeMs = NaN;
  private localAtLast = 0;
  private lastGiven = -Infinity;

  /** Records an exchange timestamp (ms); NaN is ignored. O(1); no allocation. */
  observe(exchangeMs: number): void {
    if (exchangeMs === exchangeMs) {
      this.lastExchangeMs = exchangeMs;
      this.localAtLast = performance.now();
    }
  }

  /**
   * Estimated exchange time in ms, never earlier than a time given before: the last exchange time
   * plus local time elapsed, or the local wall clock before any was seen. O(1); no allocation.
   */
  now(): number {
    const estimate =
      this.lastExchangeMs === this.lastExchangeMs ? this.lastExchangeMs + (performance.now() - this.localAtLast) : Date.now();
    this.lastGiven = Math.max(this.lastGiven, Math.round(estimate));
    return this.lastGiven;
  }
}

/** The local wall clock in ns (µs resolution), as capture lines stamp their receive time. */
export function localReceiveNs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000) * 1000;
}
