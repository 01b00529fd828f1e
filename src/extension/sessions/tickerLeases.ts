/**
 * Ticker leases held on exactly a given set of markets (the watchlist's rows, the markets with
 * price alerts): `hold` opens the new ones and releases the ones no longer wanted; each lease
 * comes with the subscriptions its owner makes on the session, disposed with it.
 */
import type { Disposable } from '../../feeds/eventEmitter';
import { marketKey, type MarketId } from '../../engine/marketId';
import type { MarketSession, SessionLease } from '../../feeds/marketSession';
import type { SessionRegistry } from '../../feeds/sessionRegistry';

export class TickerLeases implements Disposable {
  private readonly held = new Map<string, { lease: SessionLease; subscriptions: Disposable[] }>();

  constructor(
    private readonly registry: SessionRegistry,
    /** What the owner listens to on a newly leased market's session. */
    private readonly subscribe: (session: MarketSession, market: MarketId) => Disposable[],
  ) {}

  /** Leases exactly `markets` (kept ones untouched). O(markets + held). */
  hold(markets: Iterable<MarketId>): void {
    const wanted = new Map<string, MarketId>();
    for (const market of markets) wanted.set(marketKey(market), market);
    for (const [key, held] of this.held) {
      if (wanted.has(key)) continue;
      this.held.delete(key);
      release(held);
    }
    for (const [key, market] of wanted) {
      if (this.held.has(key)) continue;
      const lease = this.registry.acquire(market.exchange, market.symbol, 'ticker');
      this.held.set(key, { lease, subscriptions: this.subscribe(lease.session, market) });
    }
  }

  dispose(): void {
    for (const held of this.held.values()) release(held);
    this.held.clear();
  }
}

function release(held: { lease: SessionLease; subscriptions: Disposable[] }): void {
  for (const subscription of held.subscriptions) subscription.dispose();
  held.lease.release();
}
