/** How the session registry makes feeds: live ccxt, replay or simulator plug in here. */
import type { MarketId } from '../engine/marketId';
import type { Feed } from './feed';
import type { SessionDemand } from './sessionDemand';

/** Makes an unopened feed for `market` that provides what `demand` needs (more is fine). */
export type FeedFactory = (market: MarketId, demand: SessionDemand) => Feed;
