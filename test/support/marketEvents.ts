/**
 * Engine events written as a decoder writes them, for tests: each setter resets the event to its
 * kind and sets every field of that kind, those left out taking a fresh MarketEvent's values.
 */
import { EventKind, MarketEvent, TakerSide, type LevelList } from '../../src/engine/events';

/** Book levels as [price, size], best first. */
export type Levels = readonly (readonly [number, number])[];

interface Stamp {
  symbol?: string;
  time?: number;
}

export interface TradeFields extends Stamp {
  price: number;
  amount: number;
  tradeId?: number;
  takerSide?: TakerSide;
  receiveNs?: number;
}

export interface SnapshotFields extends Stamp {
  finalId: number;
  bids: Levels;
  asks: Levels;
}

export interface DiffFields extends SnapshotFields {
  firstId: number;
  prevFinalId?: number;
}

export interface BookTickerFields extends Stamp {
  finalId: number;
  bestBid: number;
  bestBidSize: number;
  bestAsk: number;
  bestAskSize: number;
}

export function setTrade(e: MarketEvent, t: TradeFields): MarketEvent {
  stamp(e, EventKind.Trade, t);
  e.price = t.price;
  e.amount = t.amount;
  e.tradeId = t.tradeId ?? -1;
  e.takerSide = t.takerSide ?? TakerSide.Buy;
  e.receiveNs = t.receiveNs ?? NaN;
  return e;
}

/** A new event holding a trade. */
export function tradeEvent(t: TradeFields): MarketEvent {
  return setTrade(new MarketEvent(), t);
}

export function setSnapshot(e: MarketEvent, s: SnapshotFields): MarketEvent {
  stamp(e, EventKind.DepthSnapshot, s);
  e.finalId = s.finalId;
  push(e.bids, s.bids);
  push(e.asks, s.asks);
  return e;
}

export function setDiff(e: MarketEvent, d: DiffFields): MarketEvent {
  setSnapshot(e, d);
  e.kind = EventKind.DepthDiff;
  e.firstId = d.firstId;
  e.prevFinalId = d.prevFinalId ?? -1;
  return e;
}

export function setBookTicker(e: MarketEvent, t: BookTickerFields): MarketEvent {
  stamp(e, EventKind.BookTicker, t);
  e.finalId = t.finalId;
  e.bestBid = t.bestBid;
  e.bestBidSize = t.bestBidSize;
  e.bestAsk = t.bestAsk;
  e.bestAskSize = t.bestAskSize;
  return e;
}

function stamp(e: MarketEvent, kind: EventKind, s: Stamp): void {
  e.reset(kind);
  e.symbol = s.symbol ?? '';
  e.time = s.time ?? NaN;
}

function push(list: LevelList, levels: Levels): void {
  for (const [price, size] of levels) list.push(price, size);
}
