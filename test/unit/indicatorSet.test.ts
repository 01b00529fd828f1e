/**
 * The fast paths of the live trade path against the plain ones they replace, exactly:
 * - `updateFromBar` (each indicator's own copy of the live-bar case, which leaves writing the
 *   outputs to the first read or commit) against `updateBar`;
 * - an IndicatorSet fed from a CandleSeries after every trade (it skips feeds when no price
 *   changed) against indicators fed every bar on every trade, as the market did before.
 * "Exactly" means every output of every held bar and the `rejected` counts are identical.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CandleColumns } from '../../src/engine/candles/candleColumns';
import { CandleBar, CandleSeries, TradeOutcome } from '../../src/engine/candles/candleSeries';
import { BollingerBands } from '../../src/engine/indicators/bollingerBands';
import { createIndicator } from '../../src/engine/indicators/createIndicator';
import type { Indicator } from '../../src/engine/indicators/indicatorSeries';
import { IndicatorSet } from '../../src/engine/indicators/indicatorSet';

/** One of every kind, short periods so that warm-up ends inside the short random streams. */
const SPECS = [
  { kind: 'sma', period: 3, capacity: 16 },
  { kind: 'ema', period: 3, capacity: 16 },
  { kind: 'wma', period: 4, capacity: 16 },
  { kind: 'rsi', period: 3, capacity: 16 },
  { kind: 'macd', fast: 2, slow: 4, signal: 2, capacity: 16 },
  { kind: 'bollinger', period: 3, multiplier: 2, capacity: 16 },
  { kind: 'vwap', capacity: 16 },
  { kind: 'sma', period: 2, source: 'hlc3', capacity: 16 },
] as const;

function makeIndicators(specs: readonly unknown[]): Indicator[] {
  return specs.map((spec) => createIndicator(spec));
}

/** Same outputs (NaN equal to NaN, +0 distinct from −0) for every seq either holds, same rejected. */
function expectSameState(actual: readonly Indicator[], expected: readonly Indicator[], what: string): void {
  for (let k = 0; k < expected.length; k++) {
    const a = actual[k]!;
    const e = expected[k]!;
    expect(a.rejected, `${what}: ${e.label} rejected`).toBe(e.rejected);
    expect(Object.is(a.lastSeq, e.lastSeq) && Object.is(a.firstSeq, e.firstSeq), `${what}: ${e.label} held range`).toBe(true);
    if (Number.isNaN(e.lastSeq)) continue;
    // Bollinger's σ, read before anything else: it must bring the live outputs up to date too.
    if (a instanceof BollingerBands && e instanceof BollingerBands) {
      expect(Object.is(a.latestStdev(), e.latestStdev()), `${what}: ${e.label} σ`).toBe(true);
    }
    // copyRange first: it must bring the live outputs up to date by itself (valueAt would too).
    const count = e.lastSeq - e.firstSeq + 1;
    const copied = new Float64Array(count);
    for (let o = 0; o < e.outputs.length; o++) {
      a.copyRange(e.firstSeq, count, o, copied);
      for (let k = 0; k < count; k++) {
        const y = e.valueAt(e.firstSeq + k, o);
        if (!Object.is(copied[k], y)) expect.fail(`${what}: ${e.label} copyRange output ${o} at seq ${e.firstSeq + k}: ${copied[k]} vs ${y}`);
      }
    }
    for (let seq = e.firstSeq; seq <= e.lastSeq; seq++) {
      for (let o = 0; o < e.outputs.length; o++) {
        const x = a.valueAt(seq, o);
        const y = e.valueAt(seq, o);
        if (!Object.is(x, y)) expect.fail(`${what}: ${e.label} output ${o} at seq ${seq}: ${x} vs ${y}`);
      }
    }
  }
}

/** Prices on a coarse grid so that repeats (skipped feeds) are common; a few bad numbers. */
const priceArb = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 1, max: 6 }).map((k) => 100 + k * 0.5) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -1, 0, 1e308) },
);

describe('updateFromBar', () => {
  it('leaves every indicator exactly as updateBar does, on any bar sequence (bad numbers, older and skipped seqs)', () => {
    const barArb = fc.record({
      seqStep: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: -2, max: 20 }) }),
      open: priceArb,
      high: priceArb,
      low: priceArb,
      close: priceArb,
      volume: fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom(NaN, -1)),
    });
    fc.assert(
      fc.property(fc.array(barArb, { maxLength: 120 }), (bars) => {
        const viaNumbers = makeIndicators(SPECS);
        const viaBar = makeIndicators(SPECS);
        const bar = new CandleBar();
        let seq = 0;
        for (const b of bars) {
          seq += b.seqStep;
          bar.seq = seq;
          bar.openTime = seq * 60_000;
          bar.open = b.open;
          bar.high = b.high;
          bar.low = b.low;
          bar.close = b.close;
          bar.volume = b.volume;
          for (let k = 0; k < SPECS.length; k++) {
            const x = viaNumbers[k]!.updateBar(seq, bar.openTime, b.open, b.high, b.low, b.close, b.volume);
            const y = viaBar[k]!.updateFromBar(bar);
            expect(y).toBe(x);
          }
        }
        expectSameState(viaBar, viaNumbers, 'after the stream');
      }),
      { numRuns: 300 },
    );
  });
});

describe('IndicatorSet', () => {
  const tradeArb = fc.record({
    dt: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 20_000 }) }, { weight: 1, arbitrary: fc.integer({ min: -150_000, max: -1 }) }),
    price: priceArb,
    amount: fc.oneof({ weight: 20, arbitrary: fc.double({ min: 0.001, max: 5, noNaN: true }) }, { weight: 1, arbitrary: fc.constant(NaN) }),
    side: fc.constantFrom(1, -1),
  });
  const historyArb = fc.array(
    fc.record({ bar: fc.integer({ min: 0, max: 12 }), close: fc.integer({ min: 1, max: 6 }).map((k) => 100 + k * 0.5), volume: fc.double({ min: 0, max: 10, noNaN: true }) }),
    { maxLength: 4 },
  );

  it('after every trade, equals indicators fed the live bar on every trade', () => {
    fc.assert(
      fc.property(fc.array(tradeArb, { maxLength: 200 }), fc.integer({ min: 0, max: 199 }), historyArb, (trades, mergeAt, history) => {
        const candles = new CandleSeries('1m', { capacity: 8 });
        const set = new IndicatorSet(makeIndicators(SPECS));
        const reference = makeIndicators(SPECS);
        let time = 1_700_000_000_000;
        for (let t = 0; t < trades.length; t++) {
          if (t === mergeAt && history.length > 0) {
            // A history merge rewrites bars: both sides are rebuilt from the held bars.
            const columns = new CandleColumns();
            const base = Math.floor(time / 60_000) * 60_000;
            const sorted = [...new Set(history.map((h) => h.bar))].sort((a, b) => a - b);
            for (const barIndex of sorted) {
              const h = history.find((x) => x.bar === barIndex)!;
              columns.setRow(columns.appendRow(), base - (12 - barIndex) * 60_000, h.close, h.close + 1, h.close - 1, h.close, h.volume, NaN, NaN, NaN);
            }
            candles.mergeHistory(columns);
            set.reset();
            for (const r of reference) r.reset();
            for (let seq = candles.firstSeq; seq <= candles.lastSeq; seq++) {
              set.feed(candles, seq);
              feedPlain(reference, candles, seq);
            }
            expectSameState(set.list, reference, `after the merge at trade ${t}`);
          }
          const trade = trades[t]!;
          time += trade.dt;
          const outcome = candles.ingestTrade(time, trade.price, trade.amount, trade.side);
          if (outcome === TradeOutcome.Live || outcome === TradeOutcome.NewBar) {
            set.feed(candles, candles.lastSeq);
            feedPlain(reference, candles, candles.lastSeq);
          }
          expectSameState(set.list, reference, `after trade ${t}`);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('skips only feeds that change nothing: about one feed per price change on a stream of repeats', () => {
    const candles = new CandleSeries('1m');
    const counting = makeIndicators([{ kind: 'sma', period: 1 }]);
    let feeds = 0;
    const indicator = counting[0]!;
    const original = indicator.updateFromBar.bind(indicator);
    indicator.updateFromBar = (bar) => {
      feeds++;
      return original(bar);
    };
    const set = new IndicatorSet(counting);
    const prices = [100, 100, 100, 101, 101, 100, 100, 100, 102, 102];
    prices.forEach((price, k) => {
      candles.ingestTrade(1_700_000_000_000 + k, price, 1, 1);
      set.feed(candles, candles.lastSeq);
    });
    // The first trade opens the bar; then 100→101, 101→100, 100→102: four feeds for ten trades.
    expect(feeds).toBe(4);
    expect(indicator.latest()).toBe(102);
  });
});

/** The plain way: read the bar's fields and feed every indicator, every time. */
function feedPlain(indicators: readonly Indicator[], candles: CandleSeries, seq: number): void {
  const b = new CandleBar();
  candles.readBar(seq, b);
  for (const indicator of indicators) indicator.updateBar(seq, b.openTime, b.open, b.high, b.low, b.close, b.volume);
}
