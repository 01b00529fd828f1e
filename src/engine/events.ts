/**
 * Engine events: what a feed hands the engine.
 *
 * Decoders write into one caller-owned {@link MarketEvent} record that is reused for every
 * message, so decoding allocates nothing per event beyond what the JSON parser itself does.
 * Whoever keeps data past the next decode must copy it out.
 */

/** What a {@link MarketEvent} currently holds. */
export const EventKind = {
  None: 0,
  /** Incremental book update: `firstId`..`finalId`, optional `prevFinalId` (futures `pu`). */
  DepthDiff: 1,
  /** Full book: `finalId` is the snapshot's `lastUpdateId`. */
  DepthSnapshot: 2,
  /** One trade: `price`, `amount`, `takerSide`, `tradeId`, `time`. */
  Trade: 3,
  /** Exchange-written best bid/ask with update id `finalId`. */
  BookTicker: 4,
  /**
   * From `time` on the book is not the exchange's until the next snapshot (a recording's gap: the
   * live book resynced there). No other field.
   */
  BookResync: 5,
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

/** Aggressor side of a trade: +1 the taker bought (lifted the ask), -1 the taker sold. */
export const TakerSide = { Buy: 1, Sell: -1 } as const;
export type TakerSide = (typeof TakerSide)[keyof typeof TakerSide];

/** Growable price/size pair list in typed arrays; capacity doubles when exceeded. */
export class LevelList {
  prices: Float64Array;
  sizes: Float64Array;
  count = 0;

  constructor(capacity = 64) {
    this.prices = new Float64Array(capacity);
    this.sizes = new Float64Array(capacity);
  }

  clear(): void {
    this.count = 0;
  }

  /** Appends one level. Amortized O(1); allocates only when the capacity doubles. */
  push(price: number, size: number): void {
    if (this.count === this.prices.length) this.grow();
    this.prices[this.count] = price;
    this.sizes[this.count] = size;
    this.count++;
  }

  /** Copies `other` into this list. O(n). */
  copyFrom(other: LevelList): void {
    this.count = 0;
    while (this.prices.length < other.count) this.grow();
    this.prices.set(other.prices.subarray(0, other.count));
    this.sizes.set(other.sizes.subarray(0, other.count));
    this.count = other.count;
  }

  private grow(): void {
    const prices = new Float64Array(this.prices.length * 2);
    const sizes = new Float64Array(this.sizes.length * 2);
    prices.set(this.prices);
    sizes.set(this.sizes);
    this.prices = prices;
    this.sizes = sizes;
  }
}

/** One decoded message. Reused: decoders overwrite it on every call. */
export class MarketEvent {
  kind: EventKind = EventKind.None;
  /** Exchange symbol as sent (`BTCUSDT`). */
  symbol = '';
  /** Exchange event time in ms (`E`, or `T` for trades); NaN when the message has none. */
  time = NaN;
  /** Local receive time in ns from the capture line, as a double (µs precision is kept). */
  receiveNs = NaN;

  /** Depth: first and final update ids (`U`, `u`); bookTicker: `finalId` is `u`. */
  firstId = -1;
  finalId = -1;
  /** Futures only: the previous diff's final id (`pu`); -1 when absent. */
  prevFinalId = -1;
  readonly bids = new LevelList();
  readonly asks = new LevelList();

  /** Trade fields. */
  tradeId = -1;
  price = NaN;
  amount = NaN;
  takerSide: TakerSide = TakerSide.Buy;

  /** BookTicker fields. */
  bestBid = NaN;
  bestBidSize = NaN;
  bestAsk = NaN;
  bestAskSize = NaN;

  reset(kind: EventKind): void {
    this.kind = kind;
    this.symbol = '';
    this.time = NaN;
    this.firstId = -1;
    this.finalId = -1;
    this.prevFinalId = -1;
    this.bids.count = 0;
    this.asks.count = 0;
  }
}
