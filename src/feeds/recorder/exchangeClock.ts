/**
 * The exchange's time now, estimated from the last exchange timestamp seen plus the local time
 * elapsed since. A mirrored ccxt book carries no exchange time; stamping it with the local clock
 * would put it out of order with the trades (the local clock can be seconds off, and an exchange
 * replaying old data, like the test exchange, years). So a recorder seeds the clock with the
 * session's last exchange time, and the local clock is only a guess before any is known: once an
 * exchange time shows the guess wrong (by more than {@link CLOCK_CORRECTION_MS}), estimates follow
 * the exchange again instead of staying at the guess.
 */
/** How far behind the last estimate an exchange time may be and still be taken as jitter. */
export const CLOCK_CORRECTION_MS = 1000;

export class ExchangeClock {
  private lastExchangeMs = NaN;
  private localAtLast = 0;
  private lastGiven = -Infinity;

  /** Records an exchange timestamp (ms); NaN is ignored. O(1); no allocation. */
  observe(exchangeMs: number): void {
    if (exchangeMs === exchangeMs) {
      this.lastExchangeMs = exchangeMs;
      this.localAtLast = performance.now();
      // Estimates given so far were well ahead of the exchange (a local-clock guess): follow it.
      if (exchangeMs < this.lastGiven - CLOCK_CORRECTION_MS) this.lastGiven = -Infinity;
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
