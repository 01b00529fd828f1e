/**
 * A feed the test scripts (no network): it opens as the test says, hands its sink to the test on
 * start, and records timeframe changes and its closing. Shared by the market-session tests.
 */
import type { MarketId } from '../../src/engine/marketId';
import type { MarketFacts } from '../../src/engine/protocol';
import type { Feed, FeedSink, FeedTarget } from '../../src/feeds/feed';
import type { SessionDemand } from '../../src/feeds/sessionDemand';

export const SCRIPTED_FACTS: MarketFacts = { exchange: 'fake', symbol: 'BTC/USDT', tickSize: 0.5, pricePrecision: 1, amountPrecision: 3 };

export class ScriptedFeed implements Feed {
  readonly name = 'scripted';
  /** A live exchange's feed (its stamps follow the wall clock) or not. */
  realTime = false;
  target: FeedTarget | undefined;
  sink: FeedSink | undefined;
  closed = false;
  timeframes: string[] = [];
  constructor(
    readonly key: MarketId,
    readonly demand: SessionDemand,
    private readonly opener: (feed: ScriptedFeed) => Promise<MarketFacts> = async () => SCRIPTED_FACTS,
  ) {}
  open(target: FeedTarget): Promise<MarketFacts> {
    this.target = target;
    return this.opener(this);
  }
  start(sink: FeedSink): void {
    this.sink = sink;
  }
  changeTimeframe(timeframe: string): void {
    this.timeframes.push(timeframe);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}
