/**
 * Chooses the feed for a session key: the built-in simulator (offline), a recording, or a live
 * exchange through ccxt (loaded lazily by the ccxt source on the first live feed).
 */
import type { FeedFactory } from '../../feeds/feedFactory';
import { CcxtLiveSource } from '../../feeds/ccxt/ccxtLiveSource';
import type { Feed } from '../../feeds/feed';
import { SIMULATOR_EXCHANGE, SimulatorFeed } from '../../feeds/simulator/simulatorFeed';
import type { OrderscopeSettings } from '../settings/settingsModel';

/** Replays are opened by path; their session key uses this pseudo-exchange. */
export const REPLAY_EXCHANGE = 'replay';

export type ReplayFeedFactory = (path: string) => Feed;

export class FeedRouter {
  private live: CcxtLiveSource;

  constructor(
    settings: OrderscopeSettings,
    private readonly replayFeed: ReplayFeedFactory | null,
  ) {
    this.live = new CcxtLiveSource(liveOptions(settings));
  }

  readonly createFeed: FeedFactory = (key, demand) => {
    if (key.exchange === SIMULATOR_EXCHANGE) return new SimulatorFeed();
    if (key.exchange === REPLAY_EXCHANGE && this.replayFeed) return this.replayFeed(key.symbol);
    return this.live.createFeed(key, demand);
  };

  /** The live source (for market lists); settings changes make a new one for new feeds. */
  get liveSource(): CcxtLiveSource {
    return this.live;
  }

  /** Proxy and endpoint settings apply to feeds opened from now on. */
  applySettings(settings: OrderscopeSettings): void {
    const previous = this.live;
    this.live = new CcxtLiveSource(liveOptions(settings));
    void previous.close();
  }

  close(): Promise<void> {
    return this.live.close();
  }
}

function liveOptions(settings: OrderscopeSettings): ConstructorParameters<typeof CcxtLiveSource>[0] {
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
