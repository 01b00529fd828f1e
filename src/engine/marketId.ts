/**
 * Market identity: one market is an (exchange, symbol) pair, everywhere (sessions, panels, the
 * status bar, the watchlist, alerts, the protocol). `marketKey` is the one string form used as a
 * map key; it cannot collide because exchange ids never contain a NUL.
 */

/** One market: ccxt exchange id (or `simulator`, `replay`) and unified symbol as the user chose it. */
export interface MarketId {
  readonly exchange: string;
  readonly symbol: string;
}

/** The map key of a market. O(length). Allocates the string. */
export function marketKey(market: MarketId): string {
  return `${market.exchange}\u0000${market.symbol}`;
}

/** True when both name the same market. O(length). */
export function sameMarket(a: MarketId, b: MarketId): boolean {
  return a.exchange === b.exchange && a.symbol === b.symbol;
}

/** A value from outside (a command argument, stored state) that names a market, or undefined. Never throws. */
export function asMarketId(value: unknown): MarketId | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    const { exchange, symbol } = value as { exchange?: unknown; symbol?: unknown };
    return typeof exchange === 'string' && typeof symbol === 'string' && exchange !== '' && symbol !== '' ? { exchange, symbol } : undefined;
  } catch {
    return undefined; // a hostile getter
  }
}
