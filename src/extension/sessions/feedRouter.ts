/**
 * Chooses the feed for a market: the built-in simulator (offline), a recording, or a live exchange
 * through ccxt (loaded lazily by the ccxt source on the first live feed). One live source serves
 * the extension's whole life; network settings re-dial the affected venues in place.
 */
import type { FeedFactory } from '../../feeds/feedFactory';
import { CcxtLiveSource } from '../../feeds/ccxt/ccxtLiveSource';
import type { CcxtLiveOptions } from '../../feeds/ccxt/ccxtLiveOptions';
import type { Feed } from '../../feeds/feed';
import { SIMULATOR_EXCHANGE, SimulatorFeed } from '../../feeds/simulator/simulatorFeed';
import type { OrderscopeSettings } from '../settings/settingsModel';

/** Replays are opened by path; their session key uses this pseudo-exchange. */
export const REPLAY_EXCHANGE = 'replay';

/** The settings that shape a live connection: a change re-dials the venues it affects. */
export const NETWORK_SETTINGS = ['httpProxy', 'httpsProxy', 'socksProxy', 'endpoints'] as const satisfies readonly (keyof OrderscopeSettings)[];

export type ReplayFeedFactory = (path: string) => Feed;

export class FeedRouter {
  readonly liveSource: CcxtLiveSource;

  constructor(
    settings: OrderscopeSettings,
    private readonly replayFeed: ReplayFeedFactory | null,
  ) {
    this.liveSource = new CcxtLiveSource(liveOptions(settings));
  }

  readonly createFeed: FeedFactory = (market, demand) => {
    if (market.exchange === SIMULATOR_EXCHANGE) return new SimulatorFeed();
    if (market.exchange === REPLAY_EXCHANGE && this.replayFeed) return this.replayFeed(market.symbol);
    return this.liveSource.createFeed(market, demand);
  };

  /**
   * Network settings changed: returns the exchanges, of those `inUse`, whose connections now
   * differ (their sessions re-dial). Feeds opened from now on use the new settings.
   */
  applyNetworkSettings(settings: OrderscopeSettings, inUse: Iterable<string>): Set<string> {
    // The simulator and replays have no connection: a proxy change must not restart them.
    const live = [...inUse].filter((exchange) => exchange !== SIMULATOR_EXCHANGE && exchange !== REPLAY_EXCHANGE);
    return this.liveSource.reconfigure(liveOptions(settings), live);
  }

  close(): Promise<void> {
    return this.liveSource.close();
  }
}

function liveOptions(settings: OrderscopeSettings): Partial<CcxtLiveOptions> {
  // ccxt refuses more than one REST proxy: SOCKS wins over HTTPS over HTTP.
  const proxy: Record<string, string> = {};
  if (settings.socksProxy) {
    proxy.socksProxy = settings.socksProxy;
    proxy.wsSocksProxy = settings.socksProxy;
  } else if (settings.httpsProxy) {
    proxy.httpsProxy = settings.httpsProxy;
    proxy.wssProxy = settings.httpsProxy;
  } else if (settings.httpProxy) {
    proxy.httpProxy = settings.httpProxy;
    proxy.wsProxy = settings.httpProxy;
  }
  return { exchanges: settings.endpoints, proxy, staleAfterMs: settings.staleAfterSeconds * 1000 };
}
