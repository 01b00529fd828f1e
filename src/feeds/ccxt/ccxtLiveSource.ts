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

  /** Closes every venue (feeds should be closed first). */
  async close(): Promise<void> {
    const venues = [...this.venues.values()];
    this.venues.clear();
    await Promise.all([...venues.map((venue) => venue.close()), ...this.closing]);
  }
}
