/**
 * Derived series (indicators, CVD) across rebuilds: after a late trade, an exchange bar settled
 * over the live one, or an older page, a panel that applies init and frames holds exactly the
 * engine's bars and every indicator value (a plain reconstruction keyed by time), and a settled
 * bar costs a frame of the bars from it on, not every held bar again.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CandleField } from '../../src/engine/candles/candleSeries';
import { EventKind, MarketEvent, TakerSide } from '../../src/engine/events';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { BAR_STRIDE, type IndicatorSeriesData, type StatusInfo } from '../../src/engine/protocol';

const LIVE: StatusInfo = { state: 'live', detail: '', value: 0 };
const FACTS = { exchange: 'fake', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 3 };
const MINUTE = 60_000;
const T0 = 1_700_000_040_000 - (1_700_000_040_000 % MINUTE);

const ops = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('trade' as const), dt: fc.integer({ min: 0, max: 50_000 }), price: fc.integer({ min: 9_000, max: 11_000 }), amount: fc.integer({ min: 1, max: 500 }), buy: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('late' as const), back: fc.integer({ min: 1, max: 5 }), price: fc.integer({ min: 9_000, max: 11_000 }), amount: fc.integer({ min: 1, max: 500 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('settle' as const), back: fc.integer({ min: 1, max: 3 }), close: fc.integer({ min: 9_000, max: 11_000 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('older' as const), bars: fc.integer({ min: 1, max: 20 }) }) },
  ),
  { minLength: 20, maxLength: 120 },
);

/** What a panel holds: bars and every indicator output by bar time. */
class Panel {
  bars = new Map<number, number[]>();
  values = new Map<string, Map<number, number[]>>();
  put(bars: Float64Array, indicators: IndicatorSeriesData[]): void {
    for (let i = 0; i < bars.length; i += BAR_STRIDE) this.bars.set(bars[i]!, Array.from(bars.subarray(i, i + BAR_STRIDE)));
    for (const s of indicators) {
      const n = s.times.length;
      const byTime = this.values.get(s.id) ?? new Map<number, number[]>();
      this.values.set(s.id, byTime);
      for (let k = 0; k < n; k++) byTime.set(s.times[k]!, s.outputs.map((_, o) => s.values[o * n + k]!));
    }
  }
}

function close(a: number, b: number): boolean {
  return (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

describe('frames after derived series are rebuilt', () => {
  it('hold exactly the engine\'s bars and indicator values; a settled bar re-sends only the bars from it', () => {
    fc.assert(
      fc.property(ops, (script) => {
        const market = new Market({ tickSize: 0.01, indicators: [{ kind: 'ema', period: 5 }, { kind: 'sma', period: 4 }, { kind: 'rsi', period: 3 }, { kind: 'macd', fast: 3, slow: 6, signal: 2 }, { kind: 'bollinger', period: 4 }] });
        // Some exchange history first, so there are closed bars to settle and to page before.
        let oldest = T0 - 30 * MINUTE;
        market.mergeHistoryRows(Array.from({ length: 30 }, (_, k) => [oldest + k * MINUTE, 100, 101, 99, 100 + (k % 5) / 10, 10 + k]));
        const builder = new FrameBuilder(market, FACTS, { metrics: { imbalance: false, cvd: true } });
        const panel = new Panel();
        const init = builder.buildInit(LIVE);
        panel.put(init.bars, init.indicators);
        const event = new MarketEvent();
        let now = T0;
        let frameId = 0;
        for (const op of script) {
          let settledSeq = -1;
          if (op.kind === 'trade' || op.kind === 'late') {
            event.reset(EventKind.Trade);
            const time = op.kind === 'trade' ? (now += op.dt) : Math.max(oldest, now - op.back * MINUTE);
            event.time = time;
            event.price = op.price / 100;
            event.amount = op.amount / 100;
            event.takerSide = op.kind === 'trade' && !op.buy ? TakerSide.Sell : TakerSide.Buy;
            market.onEvent(event);
          } else if (op.kind === 'settle') {
            const c = market.candles;
            const seq = c.lastSeq - op.back;
            if (seq < c.firstSeq) continue;
            const t = c.value(seq, CandleField.OpenTime);
            const price = op.close / 100;
            market.mergeHistoryRows([[t, price, price + 1, price - 1, price, 5]]);
            settledSeq = seq;
          } else {
            oldest -= op.bars * MINUTE;
            market.mergeHistoryRows(Array.from({ length: op.bars }, (_, k) => [oldest + k * MINUTE, 100, 101, 99, 100.5, 7]));
          }
          const frame = builder.buildFrame(++frameId, LIVE, 0, () => 0);
          if (frame === null) continue;
          panel.put(frame.bars, frame.indicators);
          if (settledSeq >= 0) {
            // One settled bar: the frame carries it and the bars after it, not the whole history.
            expect(frame.bars.length / BAR_STRIDE).toBe(market.candles.lastSeq - settledSeq + 1);
          }
        }
        const c = market.candles;
        for (let seq = c.firstSeq; seq <= c.lastSeq; seq++) {
          const t = c.value(seq, CandleField.OpenTime);
          const shown = panel.bars.get(t)!;
          const engine = [t, ...[CandleField.Open, CandleField.High, CandleField.Low, CandleField.Close, CandleField.Volume].map((f) => c.value(seq, f))];
          expect(shown).toEqual(engine);
        }
        // Every indicator value the panel holds for a held bar equals a fresh build's.
        const fresh = new FrameBuilder(market, FACTS, { metrics: { imbalance: false, cvd: true }, initBars: 100_000 }).buildInit(LIVE);
        for (const s of fresh.indicators) {
          const n = s.times.length;
          const held = panel.values.get(s.id)!;
          for (let k = 0; k < n; k++) {
            const want = s.outputs.map((_, o) => s.values[o * n + k]!);
            const got = held.get(s.times[k]!);
            if (got === undefined || !got.every((v, o) => close(v, want[o]!))) {
              throw new Error(`${s.id} at ${s.times[k]}: panel ${JSON.stringify(got)} engine ${JSON.stringify(want)}`);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
