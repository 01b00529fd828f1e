import { EventKind, type LevelList, type MarketEvent } from '../../src/engine/events';

/** Everything a consumer can see of an event, as one comparable string. */
export function fingerprint(e: MarketEvent): string {
  const levels = (l: LevelList) => Array.from({ length: l.count }, (_, i) => `${l.prices[i]}@${l.sizes[i]}`).join(',');
  switch (e.kind) {
    case EventKind.Trade:
      return `T ${e.receiveNs} ${e.symbol} ${e.time} ${e.tradeId} ${e.price} ${e.amount} ${e.takerSide}`;
    case EventKind.BookTicker:
      return `K ${e.receiveNs} ${e.symbol} ${e.time} ${e.finalId} ${e.bestBid} ${e.bestBidSize} ${e.bestAsk} ${e.bestAskSize}`;
    default:
      return `${e.kind} ${e.receiveNs} ${e.symbol} ${e.time} ${e.firstId} ${e.finalId} ${e.prevFinalId} ${levels(e.bids)} | ${levels(e.asks)}`;
  }
}
