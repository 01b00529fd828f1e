/**
 * The real spot BTCUSDT capture, raw lines to a rebuilt order book and 1m candles: the engine
 * (BinanceDecoder + Market, as a replay feed drives them) against ccxt's own Binance handler fed
 * the same raw messages (JSON.parse + `handleMessage`, the inline REST snapshot applied as ccxt's
 * `fetchOrderBookSnapshot` applies it, 1m candles built from the trades ccxt parsed). Lines are
 * in memory for both, so gunzip is not measured. Before timing, both runs must end with the same
 * book (every level), the same update id and the same candles, or the comparison is meaningless.
 */
import ccxt from 'ccxt';
import { binanceSpotRule } from '../src/engine/book/sequenceRule';
import { CandleField } from '../src/engine/candles/candleSeries';
import { BinanceDecoder, DecodeResult } from '../src/feeds/exchanges/binance/binanceDecoder';
import { DecimalReader } from '../src/feeds/wire/decimalReader';
import { MarketEvent } from '../src/engine/events';
import { Market } from '../src/engine/market';
import { medianMs } from './harness';
import { loadCaptureLines } from './sharedCapture';

export interface CaptureReplayFigures {
  /** Capture lines per second through the engine. */
  capturePerSec: number;
  /** Capture lines per second through ccxt. */
  ccxtCapturePerSec: number;
  captureRatio: number;
  lines: number;
  diffsApplied: number;
  trades: number;
  bars: number;
}

const SYMBOL = 'BTC/USDT';
const MINUTE_MS = 60_000;
/** What ccxt's watchOrderBook uses by default (`options.watchOrderBookLimit`). */
const CCXT_BOOK_LIMIT = 1000;

/** The part of ccxt's Binance class the benchmark drives (ccxt ships no types for it). */
interface CcxtBookSide extends Array<[number, number]> {}
interface CcxtOrderBook {
  bids: CcxtBookSide;
  asks: CcxtBookSide;
  nonce: number | undefined;
  cache: unknown[];
  reset(snapshot: unknown): void;
}
interface CcxtTrade {
  timestamp: number;
  price: number;
  amount: number;
}
interface CcxtBinance {
  orderbooks: Record<string, CcxtOrderBook>;
  trades: Record<string, CcxtTrade[]>;
  bidsasks: Record<string, unknown>;
  setMarkets(markets: unknown[]): void;
  orderBook(snapshot: object, depth: number): CcxtOrderBook;
  handleMessage(client: FakeClient, message: unknown): void;
  handleOrderBookMessage(client: FakeClient, message: unknown, orderbook: CcxtOrderBook): void;
  parseOrderBook(orderbook: unknown, symbol: string): { nonce?: number };
  safeInteger(dict: unknown, key: string): number | undefined;
}

/** Stands in for ccxt's websocket Client: the handlers only resolve futures nobody waits for. */
class FakeClient {
  readonly url = 'wss://stream.binance.com:9443/ws';
  readonly subscriptions: Record<string, unknown> = {};
  readonly futures: Record<string, unknown> = {};
  rejections = 0;
  resolve(result: unknown, _messageHash?: string): unknown {
    return result;
  }
  reject(result: unknown, _messageHash?: string): unknown {
    this.rejections++;
    return result;
  }
}

/** 1m candles `[t, o, h, l, c, v]` from the trades ccxt parsed, as an app on watchTrades builds them. */
class CcxtCandles {
  rows: number[][] = [];
  add(trade: CcxtTrade): void {
    const t = trade.timestamp - (trade.timestamp % MINUTE_MS);
    const last = this.rows[this.rows.length - 1];
    if (last === undefined || last[0]! < t) {
      this.rows.push([t, trade.price, trade.price, trade.price, trade.price, trade.amount]);
      return;
    }
    if (trade.price > last[2]!) last[2] = trade.price;
    if (trade.price < last[3]!) last[3] = trade.price;
    last[4] = trade.price;
    last[5]! += trade.amount;
  }
}

export async function runCaptureReplayBench(): Promise<CaptureReplayFigures> {
  const { lines } = loadCaptureLines();
  // What ccxt's websocket client receives: the message without the capture's receive time.
  const messages = lines.map((line) => line.slice(line.indexOf(' ') + 1));

  // ---- engine ----
  const decoder = new BinanceDecoder();
  const decimal = new DecimalReader();
  const event = new MarketEvent();
  let market = new Market({ sequenceRule: binanceSpotRule, timeframe: '1m' });
  let malformed = 0;
  const resetOurs = (): void => {
    market = new Market({ sequenceRule: binanceSpotRule, timeframe: '1m' });
  };
  const replayOurs = (): void => {
    const m = market;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const space = line.indexOf(' ');
      const receiveNs = decimal.parse(line, 0, space);
      const result = decoder.decodeRange(line, space + 1, line.length, receiveNs, event);
      if (result === DecodeResult.Event) m.onEvent(event);
      else if (result === DecodeResult.Malformed) malformed++;
    }
    m.settle();
  };

  // ---- ccxt ----
  const exchange = new ccxt.pro.binance() as unknown as CcxtBinance;
  exchange.setMarkets([
    {
      id: 'BTCUSDT',
      symbol: SYMBOL,
      base: 'BTC',
      quote: 'USDT',
      baseId: 'BTC',
      quoteId: 'USDT',
      type: 'spot',
      spot: true,
      margin: false,
      swap: false,
      future: false,
      option: false,
      contract: false,
      active: true,
      precision: { price: 0.01, amount: 0.00001 },
      limits: {},
    },
  ]);
  const client = new FakeClient();
  let candles = new CcxtCandles();
  const resetTheirs = (): void => {
    exchange.orderbooks[SYMBOL] = exchange.orderBook({}, CCXT_BOOK_LIMIT);
    exchange.trades = {};
    exchange.bidsasks = {};
    candles = new CcxtCandles();
  };
  /** ccxt's fetchOrderBookSnapshot after its REST call returns: reset, nonce, cached deltas (spot rules). */
  const applySnapshot = (response: unknown): void => {
    const snapshot = exchange.parseOrderBook(response, SYMBOL);
    snapshot.nonce = exchange.safeInteger(response, 'lastUpdateId');
    const orderbook = exchange.orderbooks[SYMBOL]!;
    orderbook.reset(snapshot);
    const cached = orderbook.cache;
    orderbook.cache = [];
    for (const item of cached) {
      const U = exchange.safeInteger(item, 'U');
      const u = exchange.safeInteger(item, 'u');
      if (U === undefined || u === undefined) continue;
      if (u <= orderbook.nonce!) continue;
      if (U - 1 <= orderbook.nonce! && u - 1 >= orderbook.nonce!) exchange.handleOrderBookMessage(client, item, orderbook);
    }
  };
  const replayTheirs = (): void => {
    const c = candles;
    for (let i = 0; i < messages.length; i++) {
      const message = JSON.parse(messages[i]!) as { lastUpdateId?: number; data?: { e?: string } };
      if (message.lastUpdateId !== undefined) {
        applySnapshot(message);
        continue;
      }
      exchange.handleMessage(client, message);
      if (message.data?.e === 'trade') {
        const trades = exchange.trades[SYMBOL]!;
        c.add(trades[trades.length - 1]!);
      }
    }
  };

  // Both must rebuild the same book and candles, or the comparison is meaningless.
  resetOurs();
  replayOurs();
  resetTheirs();
  replayTheirs();
  crossCheck(market, exchange.orderbooks[SYMBOL], candles, client, malformed);

  const times = await medianMs([
    { name: 'orderscope', run: replayOurs, beforeEach: resetOurs },
    { name: 'ccxt', run: replayTheirs, beforeEach: resetTheirs },
  ]);
  const capturePerSec = lines.length / (times.get('orderscope')! / 1000);
  const ccxtCapturePerSec = lines.length / (times.get('ccxt')! / 1000);
  return {
    capturePerSec,
    ccxtCapturePerSec,
    captureRatio: capturePerSec / ccxtCapturePerSec,
    lines: lines.length,
    diffsApplied: market.sync.stats.applied,
    trades: market.stats.byKind.trades,
    bars: market.candles.count,
  };
}

/** Throws unless the engine and ccxt ended with the same book, update id and candles. */
function crossCheck(market: Market, theirs: CcxtOrderBook | undefined, candles: CcxtCandles, client: FakeClient, malformed: number): void {
  if (malformed > 0) throw new Error(`capture replay: ${malformed} malformed lines`);
  if (client.rejections > 0 || theirs === undefined) throw new Error('capture replay: ccxt dropped its book (sequence gap)');
  if (market.sync.stats.gaps > 0 || market.tickerCheck.whenApplied.mismatches > 0) {
    throw new Error(`capture replay: engine had ${market.sync.stats.gaps} gaps, ${market.tickerCheck.whenApplied.mismatches} bookTicker mismatches`);
  }
  if (market.sync.lastFinalId !== theirs.nonce) throw new Error(`capture replay: update id ${market.sync.lastFinalId} vs ccxt ${theirs.nonce}`);
  for (const isBid of [true, false]) {
    const side = market.book.side(isBid);
    const rows = isBid ? theirs.bids : theirs.asks;
    if (side.count !== rows.length) throw new Error(`capture replay: ${side.count} ${isBid ? 'bid' : 'ask'} levels vs ccxt ${rows.length}`);
    for (let r = 0; r < rows.length; r++) {
      const i = side.count - 1 - r;
      if (rows[r]![0] !== side.prices[i] || rows[r]![1] !== side.sizes[i]) throw new Error(`capture replay: ${isBid ? 'bid' : 'ask'} level ${r} differs from ccxt`);
    }
  }
  const c = market.candles;
  if (c.count !== candles.rows.length) throw new Error(`capture replay: ${c.count} bars vs ${candles.rows.length} from ccxt's trades`);
  for (let k = 0; k < c.count; k++) {
    const seq = c.firstSeq + k;
    const row = candles.rows[k]!;
    const fields = [CandleField.OpenTime, CandleField.Open, CandleField.High, CandleField.Low, CandleField.Close, CandleField.Volume];
    for (let f = 0; f < fields.length; f++) {
      const ours = c.value(seq, fields[f]!);
      // Volumes are sums in the same order from the same doubles: equal, not just close.
      if (ours !== row[f]) throw new Error(`capture replay: bar ${k} field ${f}: ${ours} vs ${row[f]} from ccxt's trades`);
    }
  }
}
