/**
 * The live ccxt source: the settings and one {@link CcxtVenue} per exchange in use. The extension
 * makes one for its whole life and hands `createFeed` to the session registry; ccxt itself is
 * loaded on the first feed's open. A venue (with its ticker hub) is owned by reference count: it
 * is closed when its last feed releases it, never while a feed still reads it. New network
 * settings retire the venues they change (`reconfigure`); their feeds re-dial onto fresh ones.
 */
import type { MarketId } from '../../engine/marketId';
import type { FeedFactory } from '../feedFactory';
import type { SessionDemand } from '../sessionDemand';
import { CcxtFeed } from './ccxtFeed';
import { ccxtConfigFor, resolveCcxtLiveOptions, type CcxtLiveOptions } from './ccxtLiveOptions';
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
  private currentOptions: CcxtLiveOptions;
  private readonly venues = new Map<string, CcxtVenue>();
  private readonly closing = new Set<Promise<void>>();
  /** Venues with no feed, waiting out `venueIdleMs` before they close. */
  private readonly idle = new Map<CcxtVenue, ReturnType<typeof setTimeout>>();

  /** Throws RangeError on bad options. */
  constructor(options: Partial<CcxtLiveOptions> = {}) {
    this.currentOptions = resolveCcxtLiveOptions(options);
  }

  /** The options new venues are made with. */
  get options(): CcxtLiveOptions {
    return this.currentOptions;
  }

  /**
   * New options (proxy, endpoints, ...). Returns the exchanges, among those with an open venue and
   * `inUse` (the exchanges of open sessions, which may be between attempts), whose ccxt config
   * changes: their feeds must re-dial (the caller asks their sessions to). Their venues are retired:
   * new feeds get a fresh venue, and a retired one closes when its last feed releases it. Throws
   * RangeError on bad options, changing nothing. O(exchanges).
   */
  reconfigure(options: Partial<CcxtLiveOptions>, inUse: Iterable<string> = []): Set<string> {
    const next = resolveCcxtLiveOptions(options);
    const changed = new Set<string>();
    for (const id of new Set([...this.venues.keys(), ...inUse])) {
      if (JSON.stringify(ccxtConfigFor(id, this.currentOptions)) === JSON.stringify(ccxtConfigFor(id, next))) continue;
      const venue = this.venues.get(id);
      this.venues.delete(id);
      changed.add(id);
      // Retired with no feed left: nothing will take it back.
      if (venue !== undefined && this.idle.has(venue)) {
        this.keepOpen(venue);
        void this.closeVenue(venue);
      }
    }
    this.currentOptions = next;
    return changed;
  }

  /** A live feed for one session: the session registry's feed factory. */
  readonly createFeed: FeedFactory = (key: MarketId, demand: SessionDemand) => new CcxtFeed(this, key, demand);

  /** Venues open now (exchanges with at least one feed). */
  get venueCount(): number {
    return this.venues.size;
  }

  /** Takes a reference on `exchangeId`'s venue; rejects FeedOpenError for an unknown id. */
  async acquireVenue(exchangeId: string): Promise<CcxtVenue> {
    const ccxt = await loadCcxt();
    let venue = this.venues.get(exchangeId);
    if (venue !== undefined) this.keepOpen(venue);
    if (venue === undefined) {
      venue = new CcxtVenue(exchangeId, ccxt, this.currentOptions);
      this.venues.set(exchangeId, venue);
    }
    venue.refs++;
    return venue;
  }

  /**
   * Drops a reference. After the last, the venue's sockets close: at once for a retired venue,
   * after `venueIdleMs` for the current one (a feed swap or a reopened chart takes it back).
   */
  releaseVenue(venue: CcxtVenue): Promise<void> {
    venue.refs--;
    if (venue.refs > 0) return Promise.resolve();
    const current = this.venues.get(venue.id) === venue;
    if (current && this.currentOptions.venueIdleMs > 0) {
      const timer = setTimeout(() => {
        this.idle.delete(venue);
        if (venue.refs === 0) void this.closeVenue(venue);
      }, this.currentOptions.venueIdleMs);
      timer.unref?.();
      this.idle.set(venue, timer);
      return Promise.resolve();
    }
    return this.closeVenue(venue);
  }

  /** A venue taken back before its idle close: it stays. */
  private keepOpen(venue: CcxtVenue): void {
    const timer = this.idle.get(venue);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.idle.delete(venue);
  }

  private closeVenue(venue: CcxtVenue): Promise<void> {
    if (this.venues.get(venue.id) === venue) this.venues.delete(venue.id);
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
    for (const timer of this.idle.values()) clearTimeout(timer);
    this.idle.clear();
    const venues = [...this.venues.values()];
    this.venues.clear();
    await Promise.all([...venues.map((venue) => venue.close()), ...this.closing]);
  }
}
