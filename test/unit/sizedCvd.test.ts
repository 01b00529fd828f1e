/**
 * The CVD of big trades ("CVD of trades ≥ size"): what a panel holds after init and frames equals a
 * plain count of the trades at or above the threshold, from the oldest trade the engine keeps, over
 * random trades (late ones included), older history pages, threshold changes and a trade log that
 * overflows; bars before the kept trades hold no value (never a guess).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CandleField } from '../../src/engine/candles/candleSeries';
import { barOpenTime } from '../../src/engine/candles/timeframe';
import { EventKind, MarketEvent, TakerSide } from '../../src/engine/events';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { type IndicatorSeriesData, type StatusInfo } from '../../src/engine/protocol';

const LIVE: StatusInfo = { state: 'live', detail: '', value: 0 };
const FACTS = { exchange: 'fake', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 3 };
const MINUTE = 60_000;
const T0 = 1_700_000_040_000 - (1_700_000_040_000 % MINUTE);

interface Trade {
  time: number;
  signed: number;
}

/** The CVD of trades ≥ `min` per bar open time, counted from the first of `trades` (arrival order, grouped by bar). */
function referenceCvd(trades: readonly Trade[], barTimes: readonly number[], min: number): Map<number, number[]> {
  const out = new Map<number, number[]>();
  if (trades.length === 0) return out;
  const byBar = new Map<number, Trade[]>();
  for (const t of trades) {
    const bar = barOpenTime(t.time, '1m');
    if (!barTimes.includes(bar)) continue;
    byBar.set(bar, [...(byBar.get(bar) ?? []), t]);
  }
  if (byBar.size === 0) return out;
  const start = Math.min(...byBar.keys());
  let total = 0;
  for (const bar of barTimes) {
    if (bar < start) continue;
    const row = [total, total, total, total];
    for (const t of byBar.get(bar) ?? []) {
      if (Math.abs(t.signed) < min) continue;
      total += t.signed;
      row[1] = Math.max(row[1]!, total);
      row[2] = Math.min(row[2]!, total);
      row[3] = total;
    }
    out.set(bar, row);
  }
  return out;
}

/** The values a panel holds for the series `id`, by bar time (an init replaces them, frames overwrite). */
function take(held: Map<number, number[]>, indicators: IndicatorSeriesData[], id: string): void {
  const s = indicators.find((x) => x.id === id);
  if (!s) return;
  const n = s.times.length;
  for (let k = 0; k < n; k++) held.set(s.times[k]!, s.outputs.map((_, o) => s.values[o * n + k]!));
}

const ops = fc.array(
  fc.oneof(
    { weight: 8, arbitrary: fc.record({ kind: fc.constant('trade' as const), dt: fc.integer({ min: 0, max: 40_000 }), amount: fc.integer({ min: 1, max: 500 }), buy: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('late' as const), back: fc.integer({ min: 1, max: 4 }), amount: fc.integer({ min: 1, max: 500 }), buy: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('older' as const), bars: fc.integer({ min: 1, max: 10 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('threshold' as const), amount: fc.integer({ min: 0, max: 400 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('frame' as const) }) },
  ),
  { minLength: 10, maxLength: 150 },
);

describe('the CVD of trades at or above a size', () => {
  it('equals a plain count of the kept big trades, whatever the trades, pages and threshold changes', () => {
    fc.assert(
      fc.property(ops, fc.integer({ min: 5, max: 400 }), fc.integer({ min: 1, max: 400 }), (script, logCapacity, firstMin) => {
        const market = new Market({ tickSize: 0.01, tradeLogCapacity: logCapacity });
        let oldest = T0 - 10 * MINUTE;
        market.mergeHistoryRows(Array.from({ length: 10 }, (_, k) => [oldest + k * MINUTE, 100, 101, 99, 100, 10]));
        let min = firstMin / 100;
        const builder = new FrameBuilder(market, FACTS, { metrics: { imbalance: false, cvd: true }, cvdMinAmount: min, initBars: 100_000 });
        let held = new Map<number, number[]>();
        take(held, builder.buildInit(LIVE).indicators, `CVD ≥ ${min}`);
        const logged: Trade[] = [];
        const event = new MarketEvent();
        let now = T0;
        let frameId = 0;
        for (const op of script) {
          if (op.kind === 'trade' || op.kind === 'late') {
            event.reset(EventKind.Trade);
            event.time = op.kind === 'trade' ? (now += op.dt) : Math.max(oldest, now - op.back * MINUTE);
            event.price = 100;
            event.amount = op.amount / 100;
            event.takerSide = op.buy ? TakerSide.Buy : TakerSide.Sell;
            const before = market.tradeLog.total;
            market.onEvent(event);
            // Which trades the candles counted is their concern (tested there); the CVD counts those.
            if (market.tradeLog.total > before) logged.push({ time: event.time, signed: op.buy ? event.amount : -event.amount });
          } else if (op.kind === 'older') {
            oldest -= op.bars * MINUTE;
            market.mergeHistoryRows(Array.from({ length: op.bars }, (_, k) => [oldest + k * MINUTE, 100, 101, 99, 100, 7]));
          } else if (op.kind === 'threshold' && op.amount > 0) {
            // The panel asked for another size: the host sends a new init.
            min = op.amount / 100;
            builder.updateSettings({ cvdMinAmount: min });
            held = new Map();
            take(held, builder.buildInit(LIVE).indicators, `CVD ≥ ${min}`);
          } else if (op.kind === 'frame') {
            const frame = builder.buildFrame(++frameId, LIVE, 0, () => 0);
            if (frame) take(held, frame.indicators, `CVD ≥ ${min}`);
          }
        }
        const frame = builder.buildFrame(++frameId, LIVE, 0, () => 0);
        if (frame) take(held, frame.indicators, `CVD ≥ ${min}`);
        const c = market.candles;
        const barTimes: number[] = [];
        for (let seq = c.firstSeq; seq <= c.lastSeq; seq++) barTimes.push(c.value(seq, CandleField.OpenTime));
        // The count starts at a kept trade (the oldest the log held at its last rebuild) and takes every later one.
        if (logged.length === 0) return;
        const sized = market.acquireSizedCvd(min);
        expect(sized.firstTrade).toBeGreaterThanOrEqual(0);
        expect(sized.firstTrade).toBeLessThanOrEqual(logged.length - 1);
        const want = referenceCvd(logged.slice(sized.firstTrade), barTimes, min);
        for (const t of barTimes) {
          const got = held.get(t) ?? [NaN, NaN, NaN, NaN];
          const expected = want.get(t) ?? [NaN, NaN, NaN, NaN];
          got.forEach((v, o) => {
            const same = Number.isNaN(v) ? Number.isNaN(expected[o]!) : Math.abs(v - expected[o]!) <= 1e-9;
            if (!same) throw new Error(`bar ${(t - T0) / MINUTE} output ${o}: panel ${JSON.stringify(got)}, reference ${JSON.stringify(expected)} (min ${min})`);
          });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('starts at the oldest trade kept: earlier bars hold no value and the series says where it starts', () => {
    const market = new Market({ tickSize: 0.01, tradeLogCapacity: 4 });
    // Six one-minute bars, one trade each: 1, 3, 1, 3, 1, 3 (buys), then the log holds the last four.
    for (let k = 0; k < 6; k++) market.onTrade(T0 + k * MINUTE + 1000, 100, k % 2 === 0 ? 1 : 3, TakerSide.Buy);
    const builder = new FrameBuilder(market, FACTS, { metrics: { imbalance: false, cvd: true }, cvdMinAmount: 2 });
    const cvd = builder.buildInit(LIVE).indicators.find((s) => s.kind === 'cvd')!;
    expect(cvd.id).toBe('CVD ≥ 2');
    const closes = Array.from(cvd.values.subarray(3 * cvd.times.length));
    expect(closes).toEqual([NaN, NaN, 0, 3, 3, 6]);
    expect(market.acquireSizedCvd(2).coveredFrom).toBe(T0 + 2 * MINUTE + 1000);
    // The full CVD (every trade) stays as it was.
    builder.updateSettings({ cvdMinAmount: 0 });
    const all = builder.buildInit(LIVE).indicators.find((s) => s.kind === 'cvd')!;
    expect(all.id).toBe('CVD');
    expect(Array.from(all.values.subarray(3 * all.times.length))).toEqual([1, 4, 5, 8, 9, 12]);
  });

  it('counts live trades without a rebuild and shares one series per size among panels', () => {
    const market = new Market({ tickSize: 0.01 });
    const a = market.acquireSizedCvd(2);
    const b = market.acquireSizedCvd(2);
    expect(b).toBe(a);
    market.onTrade(T0 + 1000, 100, 5, TakerSide.Sell);
    market.onTrade(T0 + 2000, 100, 1, TakerSide.Buy);
    market.onTrade(T0 + MINUTE, 100, 2, TakerSide.Buy);
    expect([a.bars.valueAt(0, 3), a.bars.valueAt(1, 0), a.bars.valueAt(1, 3)]).toEqual([-5, -5, -3]);
    market.releaseSizedCvd(a);
    market.releaseSizedCvd(b);
    // Released by both: no longer fed.
    market.onTrade(T0 + MINUTE + 1000, 100, 4, TakerSide.Buy);
    expect(a.bars.valueAt(1, 3)).toBe(-3);
    expect(() => market.acquireSizedCvd(0)).toThrow(/size > 0/);
  });
});
