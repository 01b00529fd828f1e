/**
 * Bars of N trades (`100t`) and of N volume (`10v`): over random trades (bursts in one
 * millisecond, stamps running backwards, a ring that wraps) the market's candles, CVD, CVD of big
 * trades and footprint equal a plain reference that cuts the same trades into bars by counting
 * in whole hundredths: a bar takes trades until it holds N trades or at least N volume (a trade
 * crossing the boundary is not split), and opens at its first trade's time, 1 ms after the
 * previous bar's when that is not later.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CandleField } from '../../src/engine/candles/candleSeries';
import type { ChartTimeframe } from '../../src/engine/candles/timeframe';
import { TakerSide } from '../../src/engine/events';
import { Market } from '../../src/engine/market';

const T0 = 1_700_000_000_000;

interface Trade {
  time: number;
  /** Price in ticks of 0.01. */
  ticks: number;
  /** Amount in hundredths of a base unit. */
  cents: number;
  buy: boolean;
}

interface RefBar {
  openTime: number;
  trades: Trade[];
}

/** Cuts trades (arrival order) into bars of `size` trades or `size` hundredths of volume. */
function referenceBars(trades: readonly Trade[], unit: 't' | 'v', size: number): RefBar[] {
  const bars: RefBar[] = [];
  let filled = Infinity;
  for (const t of trades) {
    if (bars.length === 0 || filled >= size) {
      const previous = bars.length > 0 ? bars[bars.length - 1]!.openTime : -Infinity;
      bars.push({ openTime: Math.max(t.time, previous + 1), trades: [] });
      filled = 0;
    }
    bars[bars.length - 1]!.trades.push(t);
    filled += unit === 't' ? 1 : t.cents;
  }
  return bars;
}

/** Open, high, low, close of a bar by trade time (ties: first arrival opens, last arrival closes). */
function ohlc(trades: readonly Trade[]): number[] {
  let open = trades[0]!;
  let close = trades[0]!;
  for (const t of trades) {
    if (t.time < open.time) open = t;
    if (t.time >= close.time) close = t;
  }
  const prices = trades.map((t) => t.ticks);
  return [open.ticks, Math.max(...prices), Math.min(...prices), close.ticks].map((x) => x / 100);
}

/** CVD rows [open, high, low, close] of the trades ≥ `minCents`, counted from bar `from` on. */
function referenceCvd(bars: readonly RefBar[], from: number, minCents: number): number[][] {
  let total = 0;
  const rows: number[][] = [];
  for (let b = from; b < bars.length; b++) {
    const row = [total, total, total, total];
    for (const t of bars[b]!.trades) {
      if (t.cents < minCents) continue;
      total += (t.buy ? t.cents : -t.cents) / 100;
      row[1] = Math.max(row[1]!, total);
      row[2] = Math.min(row[2]!, total);
      row[3] = total;
    }
    rows.push(row);
  }
  return rows;
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

const trade = fc.record({
  // Mostly forward, often in the same ms, sometimes stamped before the previous trade.
  dt: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 6, arbitrary: fc.integer({ min: 1, max: 500 }) }, { weight: 1, arbitrary: fc.integer({ min: -300, max: -1 }) }),
  ticks: fc.integer({ min: 9_900, max: 10_100 }),
  cents: fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 700 })),
  buy: fc.boolean(),
});

const timeframe = fc.oneof(
  fc.integer({ min: 1, max: 25 }).map((n) => ({ name: `${n}t`, unit: 't' as const, size: n })),
  fc.constantFrom('0.1v', '0.5v', '1v', '3v', '10v').map((name) => ({ name, unit: 'v' as const, size: Math.round(Number(name.slice(0, -1)) * 100) })),
);

describe('bars of N trades and of N volume', () => {
  it('equal a plain cut of the same trades: bar times, OHLCV, taker buys, trade counts, CVD, big-trade CVD and footprint', () => {
    fc.assert(
      fc.property(timeframe, fc.array(trade, { minLength: 1, maxLength: 300 }), fc.integer({ min: 3, max: 60 }), fc.integer({ min: 1, max: 300 }), (tf, script, capacity, minCents) => {
        const market = new Market({ tickSize: 0.01, timeframe: tf.name as ChartTimeframe, candleCapacity: capacity });
        const liveSized = market.acquireSizedCvd(minCents / 100);
        const trades: Trade[] = [];
        let now = T0;
        for (const op of script) {
          now += op.dt;
          trades.push({ time: now, ticks: op.ticks, cents: op.cents, buy: op.buy });
          market.onTrade(now, op.ticks / 100, op.cents / 100, op.buy ? TakerSide.Buy : TakerSide.Sell);
        }
        market.settle();
        const bars = referenceBars(trades, tf.unit, tf.size);
        const c = market.candles;
        expect(c.lastSeq - c.firstSeq + 1).toBe(Math.min(bars.length, capacity));
        expect(c.lastSeq).toBe(bars.length - 1);
        let previousTime = -Infinity;
        for (let seq = c.firstSeq; seq <= c.lastSeq; seq++) {
          const ref = bars[seq]!;
          const openTime = c.value(seq, CandleField.OpenTime);
          expect(openTime).toBeGreaterThan(previousTime);
          previousTime = openTime;
          const got = [openTime, c.value(seq, CandleField.Open), c.value(seq, CandleField.High), c.value(seq, CandleField.Low), c.value(seq, CandleField.Close), c.value(seq, CandleField.TradeCount)];
          expect(got, `bar ${seq}`).toEqual([ref.openTime, ...ohlc(ref.trades), ref.trades.length]);
          const volume = ref.trades.reduce((s, t) => s + t.cents, 0) / 100;
          const buys = ref.trades.reduce((s, t) => s + (t.buy ? t.cents : 0), 0) / 100;
          expect(close(c.value(seq, CandleField.Volume), volume), `volume of bar ${seq}`).toBe(true);
          expect(close(c.value(seq, CandleField.TakerBuyVolume), buys), `taker buys of bar ${seq}`).toBe(true);
          const slot = market.footprint.find(openTime);
          expect(slot, `footprint of bar ${seq}`).toBeGreaterThanOrEqual(0);
          expect(close(market.footprint.buyVolumeAt(slot), buys)).toBe(true);
          expect(close(market.footprint.sellVolumeAt(slot), volume - buys)).toBe(true);
        }
        // CVD of every trade, and of the big ones counted live from the first trade.
        const all = referenceCvd(bars, 0, 0);
        const big = referenceCvd(bars, 0, minCents);
        // A CVD of big trades for another size, asked for now, is rebuilt from the trade log: it
        // counts from the oldest held bar.
        const rebuilt = market.acquireSizedCvd((minCents + 1) / 100);
        expect(rebuilt).not.toBe(liveSized);
        const bigFromHeld = referenceCvd(bars, c.firstSeq, minCents + 1);
        for (let seq = c.firstSeq; seq <= c.lastSeq; seq++) {
          for (let o = 0; o < 4; o++) {
            expect(close(market.cvd.valueAt(seq, o), all[seq]![o]!), `CVD bar ${seq} output ${o}`).toBe(true);
            expect(close(liveSized.bars.valueAt(seq, o), big[seq]![o]!), `live big-trade CVD bar ${seq} output ${o}`).toBe(true);
            expect(close(rebuilt.bars.valueAt(seq, o), bigFromHeld[seq - c.firstSeq]![o]!), `rebuilt big-trade CVD bar ${seq} output ${o}`).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('close a volume bar that its trades fill exactly, though their float sum falls short (ten of 0.1 make 1v)', () => {
    const market = new Market({ tickSize: 0.01, timeframe: '1v' });
    for (let k = 0; k < 11; k++) market.onTrade(T0 + k, 100, 0.1, TakerSide.Buy);
    const c = market.candles;
    expect(c.value(c.firstSeq, CandleField.Volume)).toBeLessThan(1); // 0.9999999999999999
    expect([c.count, c.value(c.firstSeq, CandleField.TradeCount), c.value(c.lastSeq, CandleField.TradeCount)]).toEqual([2, 10, 1]);
  });

  it('refuse exchange history and say that nothing older exists, so no kline is ever asked for', () => {
    const market = new Market({ tickSize: 0.01, timeframe: '100t' });
    expect(market.candles.olderEnd).toBe('source');
    expect(market.mergeHistoryRows([[T0, 100, 101, 99, 100, 5]])).toBe(0);
    expect(market.candles.count).toBe(0);
    market.setTimeframe('1m');
    expect(market.candles.olderEnd).toBe(null);
    market.setTimeframe('10v');
    expect(market.candles.olderEnd).toBe('source');
  });
});
