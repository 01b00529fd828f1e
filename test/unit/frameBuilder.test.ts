/**
 * A panel that applies `init` then every frame must show exactly the engine's state: bars, book
 * window (the engine's grouped book), trades. Driven by the real spot capture.
 */
import { describe, expect, it } from 'vitest';
import { LevelRows } from '../../src/engine/book/orderBook';
import { binanceRule } from '../../src/engine/book/sequenceRule';
import { CandleField } from '../../src/engine/candles/candleSeries';
import { MarketEvent } from '../../src/engine/events';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { BAR_STRIDE, BOOK_STRIDE, TRADE_STRIDE, type FrameMessage, type InitMessage, type StatusInfo } from '../../src/engine/protocol';
import { CaptureReader } from '../../src/feeds/captureReader';
import { hasSharedData, sharedDataPath } from '../support/sharedData';

const SPOT = 'binance/spot/btcusdt_20240808.gz';
const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
const LIVE: StatusInfo = { state: 'live', detail: '', value: 0 };

/** The plain reconstruction a panel does. */
class Reconstruction {
  bars = new Map<number, number[]>();
  bids: number[][] = [];
  asks: number[][] = [];
  valid = false;
  trades: number[][] = [];
  indicatorLast = new Map<string, number[]>();

  init(m: InitMessage): void {
    this.bars.clear();
    this.putBars(m.bars);
    this.bids = rows(m.book.bids, BOOK_STRIDE);
    this.asks = rows(m.book.asks, BOOK_STRIDE);
    this.valid = m.book.valid;
    this.trades = rows(m.trades, TRADE_STRIDE);
    this.putIndicators(m.indicators);
  }
  frame(f: FrameMessage): void {
    this.putBars(f.bars);
    this.putIndicators(f.indicators);
    if (f.book) {
      this.valid = f.book.valid;
      if (f.book.mode === 'full') {
        this.bids = rows(f.book.bids, BOOK_STRIDE);
        this.asks = rows(f.book.asks, BOOK_STRIDE);
      } else {
        this.bids = applyRows(this.bids, f.book.bids, f.book.bidCount);
        this.asks = applyRows(this.asks, f.book.asks, f.book.askCount);
      }
    }
    this.trades.push(...rows(f.trades, TRADE_STRIDE));
  }
  private putBars(packed: Float64Array): void {
    for (const r of rows(packed, BAR_STRIDE)) this.bars.set(r[0]!, r);
  }
  private putIndicators(list: InitMessage['indicators']): void {
    for (const s of list) {
      const n = s.times.length;
      if (n === 0) continue;
      this.indicatorLast.set(s.id, s.outputs.map((_, o) => s.values[o * n + n - 1]!));
    }
  }
}

function rows(packed: Float64Array, stride: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < packed.length; i += stride) out.push(Array.from(packed.subarray(i, i + stride)));
  return out;
}
function applyRows(current: number[][], changes: Float64Array, count: number): number[][] {
  const next = current.slice(0, count);
  for (let i = 0; i < changes.length; i += BOOK_STRIDE + 1) next[changes[i]!] = Array.from(changes.subarray(i + 1, i + 1 + BOOK_STRIDE));
  return next;
}

describe.skipIf(!hasSharedData(SPOT))('FrameBuilder on the real spot capture', () => {
  it('init + frames reconstruct the engine: bars, grouped book, trades, indicators', async () => {
    const market = new Market({ sequenceRule: binanceRule, indicators: [{ kind: 'ema', period: 9 }, { kind: 'rsi' }, { kind: 'macd' }] });
    const builder = new FrameBuilder(market, FACTS, { ticksPerRow: 10, bookRows: 25, initBars: 5 });
    const view = new Reconstruction();
    const reader = new CaptureReader([sharedDataPath(SPOT)]);
    const event = new MarketEvent();
    let lines = 0;
    let frames = 0;
    let rowFrames = 0;
    let inited = false;
    const fed: number[][] = []; // every valid trade, as the tape stores it
    let firstInView = 0;
    const expectSame = (): void => {
      const c = market.candles;
      for (let seq = Math.max(c.firstSeq, c.lastSeq - 4); seq <= c.lastSeq; seq++) {
        const t = c.value(seq, CandleField.OpenTime);
        expect(view.bars.get(t)).toEqual([t, ...[CandleField.Open, CandleField.High, CandleField.Low, CandleField.Close, CandleField.Volume].map((f) => c.value(seq, f))]);
      }
      const bidRows = new LevelRows(25);
      const askRows = new LevelRows(25);
      market.book.group(true, market.grid, 10, bidRows);
      market.book.group(false, market.grid, 10, askRows);
      expect(view.valid).toBe(market.bookIsShowable());
      if (view.valid) {
        expect(view.bids).toEqual(Array.from({ length: bidRows.count }, (_, r) => [bidRows.prices[r], bidRows.sizes[r], bidRows.cumulative[r]]));
        expect(view.asks).toEqual(Array.from({ length: askRows.count }, (_, r) => [askRows.prices[r], askRows.sizes[r], askRows.cumulative[r]]));
      }
      const total = market.tape.total;
      expect(view.trades.length).toBe(Math.min(total, view.trades.length));
      if (total > 0) expect(view.trades[view.trades.length - 1]).toEqual(rows(tapeTail(market), TRADE_STRIDE)[0]);
      expect(view.indicatorLast.get('EMA(9)')?.[0]).toBe(market.indicators[0]!.latest());
    };
    try {
      while (await reader.fill()) {
        while (reader.next(event)) {
          market.onEvent(event);
          if (event.kind === 3) fed.push([event.time, event.price, event.amount, event.takerSide]);
          lines++;
          if (lines === 2000) {
            view.init(builder.buildInit(LIVE));
            firstInView = Math.max(0, fed.length - 100);
            inited = true;
          } else if (inited && lines % 97 === 0) {
            const frame = builder.buildFrame(frames + 1, LIVE, 0, () => 0);
            if (frame) {
              frames++;
              if (frame.book?.mode === 'rows') rowFrames++;
              view.frame(frame);
            }
            if (lines % (97 * 50) === 0) expectSame();
          }
        }
      }
    } finally {
      reader.close();
    }
    const last = builder.buildFrame(frames + 1, LIVE, 0, () => 0);
    if (last) view.frame(last);
    expectSame();
    expect(frames).toBeGreaterThan(300);
    expect(rowFrames).toBeGreaterThan(0); // the cheaper row diff is actually used
    // The view holds the init's tape tail, then every trade since, in order, exactly once.
    expect(view.trades).toEqual(fed.slice(firstInView));
  });

  it('a resyncing book is sent as invalid and empty, never as the exchange book', () => {
    const market = new Market({ sequenceRule: binanceRule });
    const builder = new FrameBuilder(market, FACTS);
    const init = builder.buildInit(LIVE);
    expect(init.book.valid).toBe(false);
    expect(init.book.bids.length).toBe(0);
  });
});

function tapeTail(market: Market): Float64Array {
  const out = new Float64Array(TRADE_STRIDE);
  market.tape.copySince(market.tape.total - 1, out);
  return out;
}
