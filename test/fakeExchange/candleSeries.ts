/**
 * Candles built from trades, one series per interval, the way exchanges build them: OHLC from
 * trade prices, exact base/quote volumes, trade counts, taker-buy volumes; a bar with no trade
 * repeats the previous close with zero volume (Binance fills such gaps).
 */
import type { CandleInterval } from './candleInterval';
import { parseFixed } from './fixedPoint';

/** Digits kept for prices and sizes (both exchanges' steps are at most 1e-8). */
export const CANDLE_SCALE = 8;

/** A trade as the candle builder needs it. */
export interface CandleTrade {
  time: number;
  price: string;
  qty: string;
  /** True when the taker bought (Binance `m === false`, OKX `side === 'buy'`). */
  takerBuy: boolean;
  id: number;
}

export interface Candle {
  openTime: number;
  /** Last millisecond of the bar. */
  closeTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  /** Base volume scaled by 10^CANDLE_SCALE. */
  volume: bigint;
  /** Quote volume scaled by 10^(2 * CANDLE_SCALE). */
  quoteVolume: bigint;
  takerBuyVolume: bigint;
  takerBuyQuoteVolume: bigint;
  count: number;
  firstId: number;
  lastId: number;
}

/** Error for a trade the builder cannot use (non-numeric, or older than the last bar). */
export class CandleTradeError extends Error {
  override readonly name = 'CandleTradeError';
}

export class CandleSeries {
  readonly bars: Candle[] = [];
  private highValue = 0;
  private lowValue = 0;

  constructor(readonly interval: CandleInterval) {}

  /** The bar still open (the last one), if any. */
  get last(): Candle | undefined {
    return this.bars[this.bars.length - 1];
  }

  /**
   * Adds one trade: updates the open bar or opens new ones (flat bars fill skipped intervals).
   * Throws CandleTradeError for a malformed or out-of-order trade, leaving the series unchanged.
   * O(1) amortized plus one bar per skipped interval; allocates a bar when one opens.
   */
  add(trade: CandleTrade): void {
    const price = Number(trade.price);
    const qty = parseFixed(trade.qty, CANDLE_SCALE);
    const priceFixed = parseFixed(trade.price, CANDLE_SCALE);
    if (!Number.isFinite(price) || qty === undefined || priceFixed === undefined || !Number.isFinite(trade.time)) {
      throw new CandleTradeError(`malformed trade ${JSON.stringify(trade)}`);
    }
    const open = this.interval.openOf(trade.time);
    const last = this.last;
    if (last !== undefined && open < last.openTime) throw new CandleTradeError(`trade at ${trade.time} precedes the open bar`);
    this.extendTo(trade.time);
    let bar = this.last;
    if (bar === undefined || bar.openTime !== open) {
      bar = this.openBar(open, trade.price, trade.id);
      this.highValue = price;
      this.lowValue = price;
    }
    const notional = priceFixed * qty;
    if (bar.count === 0) {
      bar.open = trade.price;
      bar.high = trade.price;
      bar.low = trade.price;
      bar.firstId = trade.id;
      this.highValue = price;
      this.lowValue = price;
    } else {
      if (price > this.highValue) {
        this.highValue = price;
        bar.high = trade.price;
      }
      if (price < this.lowValue) {
        this.lowValue = price;
        bar.low = trade.price;
      }
    }
    bar.close = trade.price;
    bar.volume += qty;
    bar.quoteVolume += notional;
    if (trade.takerBuy) {
      bar.takerBuyVolume += qty;
      bar.takerBuyQuoteVolume += notional;
    }
    bar.count++;
    bar.lastId = trade.id;
  }

  /** Opens flat bars (previous close, no volume) up to the one containing `time`. */
  extendTo(time: number): void {
    const last = this.last;
    if (last === undefined) return;
    const target = this.interval.openOf(time);
    let open = this.interval.nextOpen(last.openTime);
    while (open <= target) {
      this.openBar(open, this.last!.close, -1);
      open = this.interval.nextOpen(open);
    }
  }

  private openBar(open: number, price: string, id: number): Candle {
    const bar: Candle = {
      openTime: open,
      closeTime: this.interval.nextOpen(open) - 1,
      open: price,
      high: price,
      low: price,
      close: price,
      volume: 0n,
      quoteVolume: 0n,
      takerBuyVolume: 0n,
      takerBuyQuoteVolume: 0n,
      count: 0,
      firstId: id,
      lastId: id,
    };
    this.bars.push(bar);
    return bar;
  }
}
