/**
 * Price alerts: "tell me when BTC/USDT crosses above 70000". An alert fires once, on the first
 * price that reaches its level from the side it started on, and is then removed. Plain data,
 * persisted by the caller (global state) as JSON. No `vscode` import.
 */
import { marketKey, type MarketId } from '../../engine/marketId';

export type AlertDirection = 'above' | 'below';

export interface PriceAlert {
  id: string;
  exchange: string;
  symbol: string;
  price: number;
  direction: AlertDirection;
  createdAt: number;
}

const NONE_FIRED: readonly PriceAlert[] = Object.freeze([]);

export class PriceAlerts {
  private alerts: PriceAlert[] = [];
  /** Last price seen per market: a cross needs a previous side. */
  private readonly lastPrice = new Map<string, number>();

  /** Restores persisted alerts, skipping malformed entries; returns how many were skipped. */
  load(persisted: unknown): number {
    this.alerts = [];
    if (!Array.isArray(persisted)) return persisted === undefined ? 0 : 1;
    let skipped = 0;
    for (const a of persisted) {
      if (isAlert(a)) this.alerts.push(a);
      else skipped++;
    }
    return skipped;
  }

  /** What to persist. */
  toJSON(): PriceAlert[] {
    return this.alerts.map((a) => ({ ...a }));
  }

  list(): readonly PriceAlert[] {
    return this.alerts;
  }

  /** The alerts of one market, in the order made. O(alerts). */
  forMarket(exchange: string, symbol: string): PriceAlert[] {
    return this.alerts.filter((a) => a.exchange === exchange && a.symbol === symbol);
  }

  /** Markets (exchange + symbol) that have alerts, so their prices are watched. */
  watchedMarkets(): MarketId[] {
    const seen = new Map<string, MarketId>();
    for (const a of this.alerts) seen.set(marketKey(a), { exchange: a.exchange, symbol: a.symbol });
    return [...seen.values()];
  }

  /**
   * Adds an alert. The direction comes from the current price when known (a level above the
   * price is "crosses above"). Returns the alert, or a message for a bad level.
   */
  add(exchange: string, symbol: string, price: number, now: number, direction?: AlertDirection): PriceAlert | string {
    if (!(price > 0) || !Number.isFinite(price)) return `alert price must be a positive number, got ${price}`;
    const last = this.lastPrice.get(marketKey({ exchange, symbol }));
    const dir = direction ?? (last === undefined || price >= last ? 'above' : 'below');
    if (last !== undefined && ((dir === 'above' && last >= price) || (dir === 'below' && last <= price))) {
      return `${symbol} is already ${dir} ${price} (last ${last})`;
    }
    const alert: PriceAlert = { id: `${now.toString(36)}-${this.alerts.length}`, exchange, symbol, price, direction: dir, createdAt: now };
    this.alerts.push(alert);
    return alert;
  }

  /**
   * Moves an alert to `price`; its direction follows the side of the last price it is now on
   * (`direction` when given, as in {@link add}). Returns the moved alert, or a message.
   */
  move(id: string, price: number, direction?: AlertDirection): PriceAlert | string {
    const at = this.alerts.findIndex((a) => a.id === id);
    if (at < 0) return `no alert ${id}`;
    const alert = this.alerts[at]!;
    if (!(price > 0) || !Number.isFinite(price)) return `alert price must be a positive number, got ${price}`;
    const last = this.lastPrice.get(marketKey(alert));
    const dir = direction ?? (last === undefined || price >= last ? 'above' : 'below');
    const moved: PriceAlert = { ...alert, price, direction: dir };
    this.alerts = this.alerts.map((a, i) => (i === at ? moved : a));
    return moved;
  }

  remove(id: string): boolean {
    const before = this.alerts.length;
    this.alerts = this.alerts.filter((a) => a.id !== id);
    return this.alerts.length !== before;
  }

  /**
   * A new price for a market. Returns the alerts that fired (removed from the list).
   * O(alerts).
   */
  onPrice(exchange: string, symbol: string, price: number): readonly PriceAlert[] {
    if (!Number.isFinite(price)) return NONE_FIRED;
    const key = marketKey({ exchange, symbol });
    const previous = this.lastPrice.get(key);
    this.lastPrice.set(key, price);
    // Every ticker of every watched market comes here: nothing is allocated unless an alert fires.
    let fired: PriceAlert[] | undefined;
    for (const a of this.alerts) {
      if (a.exchange !== exchange || a.symbol !== symbol) continue;
      const reached = a.direction === 'above' ? price >= a.price : price <= a.price;
      // Without a previous price (just restored), reaching the level counts: it was set on the other side.
      const crossed = reached && (previous === undefined || (a.direction === 'above' ? previous < a.price : previous > a.price));
      if (crossed) (fired ??= []).push(a);
    }
    if (fired === undefined) return NONE_FIRED;
    this.alerts = this.alerts.filter((a) => !fired.includes(a));
    return fired;
  }
}

function isAlert(a: unknown): a is PriceAlert {
  if (typeof a !== 'object' || a === null) return false;
  const o = a as Record<string, unknown>;
  return (
    typeof o.id === 'string' &&
    typeof o.exchange === 'string' &&
    typeof o.symbol === 'string' &&
    typeof o.price === 'number' &&
    o.price > 0 &&
    (o.direction === 'above' || o.direction === 'below') &&
    typeof o.createdAt === 'number'
  );
}
