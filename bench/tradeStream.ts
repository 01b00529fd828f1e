/**
 * A reproducible stream of real trades for the trade-ingest benchmark: the spot BTCUSDT trades of
 * the capture (about 20k over 11 minutes), repeated with their times shifted by whole 12-minute
 * blocks until the stream has the count asked for. So prices, sizes, sides and the spacing of
 * trades (how often the price repeats, how many trades a minute) are the exchange's, and every
 * trade is newer than the one before, as on a live feed.
 */
import { BinanceDecoder, DecodeResult } from '../src/feeds/exchanges/binance/binanceDecoder';
import { DecimalReader } from '../src/feeds/wire/decimalReader';
import { EventKind, MarketEvent } from '../src/engine/events';
import { loadCaptureLines } from './sharedCapture';

export interface TradeStream {
  times: Float64Array;
  prices: Float64Array;
  amounts: Float64Array;
  /** +1 taker bought, -1 taker sold. */
  sides: Int8Array;
  count: number;
  /** Distinct real trades the stream repeats. */
  realTrades: number;
  /** Fraction of trades at the same price as the trade before (the capture's own mix). */
  samePriceFraction: number;
}

const MINUTE_MS = 60_000;

export function makeTradeStream(count: number): TradeStream {
  const { lines } = loadCaptureLines();
  const decoder = new BinanceDecoder();
  const decimal = new DecimalReader();
  const event = new MarketEvent();
  const real: { time: number; price: number; amount: number; side: number }[] = [];
  for (const line of lines) {
    const space = line.indexOf(' ');
    const result = decoder.decodeRange(line, space + 1, line.length, decimal.parse(line, 0, space), event);
    if (result === DecodeResult.Event && event.kind === EventKind.Trade) {
      real.push({ time: event.time, price: event.price, amount: event.amount, side: event.takerSide });
    }
  }
  if (real.length === 0) throw new Error('trade stream: the capture has no trades');
  const span = real[real.length - 1]!.time - real[0]!.time;
  const blockMs = (Math.floor(span / MINUTE_MS) + 1) * MINUTE_MS;

  const times = new Float64Array(count);
  const prices = new Float64Array(count);
  const amounts = new Float64Array(count);
  const sides = new Int8Array(count);
  let same = 0;
  for (let i = 0; i < count; i++) {
    const trade = real[i % real.length]!;
    times[i] = trade.time + Math.floor(i / real.length) * blockMs;
    prices[i] = trade.price;
    amounts[i] = trade.amount;
    sides[i] = trade.side;
    if (i > 0 && prices[i] === prices[i - 1]) same++;
  }
  return { times, prices, amounts, sides, count, realTrades: real.length, samePriceFraction: same / Math.max(1, count - 1) };
}
