/**
 * The live ccxt source: the settings and one {@link CcxtVenue} per exchange in use. The extension
 * makes one and hands `createFeed` to the session registry; ccxt itself is loaded on the first
 * feed's open.
 */
import type { FeedFactory, SessionKey } from '../feedFactory';
import type { SessionDemand } from '../sessionDemand';
import { CcxtFeed } from './ccxtFeed';
import { resolveCcxtLiveOptions, type CcxtLiveOptions } from './ccxtLiveOptions';
import { CcxtVenue } from './ccxtVenue';
import { loadCcxt } from './loadCcxt';

/** An exchange and the streams it offers (book, trades, candles, tickers). */
export interface StreamingExchange {
  id: string;
  streams: string[];
}

const STREAMS: readonly (readonly [string, string])[] = [
  ['watchOrderBook', 'book'],
  ['watchTrades', 'trades'],
  ['watchOHLCV', 'candles'],
  ['watchTickers', 'tickers'],
];

export class CcxtLiveSource {
  readonly options: CcxtLiveOptions;
  private readonly venues = new Map<string, CcxtVenue>();
  private readonly closing = new Set<Promise<void>>();

  /** Throws RangeError on bad options. */
  constructor(options: Partial<CcxtLiveOptions> = {}) {
    this.options = resolveCcxtLiveOptions(options);
  }

  /** A live feed for one session: the session registry's feed factory. */
  readonly createFeed: FeedFactory = (key: SessionKey, demand: SessionDemand) => new CcxtFeed(this, key, demand);

  /** Venues open now (exchanges with at least one feed). */
  get venueCount(): number {
    return this.venues.size;
  }

  /** Takes a reference on `exchangeId`'s venue; rejects FeedOpenError for an unknown id. */
  async acquireVenue(exchangeId: string): Promise<CcxtVenue> {
    const ccxt = await loadCcxt();
    let venue = this.venues.get(exchangeId);
    if (venue === undefined) {
      venue = new CcxtVenue(exchangeId, ccxt, this.options);
      this.venues.set(exchangeId, venue);
    }
    venue.refs++;
    return venue;
  }

  /** Drops a reference; the last one closes the venue's sockets. */
  releaseVenue(venue: CcxtVenue): Promise<void> {
    venue.refs--;
    if (venue.refs > 0 || this.venues.get(venue.id) !== venue) return Promise.resolve();
    this.venues.delete(venue.id);
    const closing = venue.close();
    this.closing.add(closing);
    return closing.finally(() => this.closing.delete(closing));
  }

  /** Every active market symbol `exchangeId` lists (loads ccxt and the markets on first use). */
  async listMarkets(exchangeId: string): Promise<string[]> {
    const venue = await this.acquireVenue(exchangeId);
    try {
      await venue.loadMarkets();
      const markets = venue.rest.markets as Record<string, { active?: boolean } | undefined>;
      return Object.keys(markets).filter((symbol) => markets[symbol]?.active !== false);
    } finally {
      void this.releaseVenue(venue);
    }
  }

  /** The exchanges ccxt can stream from, with which streams each has. Loads ccxt. */
  async streamingExchanges(): Promise<StreamingExchange[]> {
    const ccxt = await loadCcxt();
    const out: StreamingExchange[] = [];
    for (const id of Object.keys(ccxt.pro).sort()) {
      const Cls = (ccxt.pro as unknown as Record<string, new () => { name?: string; has: Record<string, unknown> }>)[id];
      if (typeof Cls !== 'function') continue;
      try {
        const has = new Cls().has;
        const streams = STREAMS.filter(([method]) => has[method] === true).map(([, label]) => label);
        if (streams.length > 0) out.push({ id, streams });
      } catch {
        // An exchange class that cannot even be built here is not offered.
      }
    }
    return out;
  }

  /** Closes every venue (feeds should be closed first). */
  async close(): Promise<void> {
    const venues = [...this.venues.values()];
    this.venues.clear();
    await Promise.all([...venues.map((venue) => venue.close()), ...this.closing]);
  }
}
