/** How the session registry makes feeds: live ccxt, replay or simulator plug in here. */
import type { Feed } from './feed';
import type { SessionDemand } from './sessionDemand';

/** One market: exchange id and symbol as the user chose them (`binance`, `BTC/USDT`). */
export interface SessionKey {
  exchange: string;
  symbol: string;
}

/** Makes an unopened feed for `key` that provides what `demand` needs (more is fine). */
export type FeedFactory = (key: SessionKey, demand: SessionDemand) => Feed;
