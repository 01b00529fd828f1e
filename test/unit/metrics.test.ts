/**
 * Order-flow metrics against plain references: top-N book imbalance from sorted side arrays,
 * imbalance OHLC per candle, and cumulative volume delta per candle, on random inputs with
 * refused inputs mixed in and history rings small enough to wrap.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TakerSide } from '../../src/engine/events';
import { BookImbalance, measureBookImbalance } from '../../src/engine/metrics/bookImbalance';
import { CvdBars } from '../../src/engine/metrics/cvdBars';
import { ImbalanceBars } from '../../src/engine/metrics/imbalanceBars';

const REL = 1e-9;

function expectClose(actual: number, expected: number, floor: number, what: string): void {
  if (Number.isNaN(expected)) {
    expect(actual, `${what}: expected NaN`).toBeNaN();
    return;
  }
  const tolerance = REL * Math.max(Math.abs(expected), floor);
  if (!(Math.abs(actual - expected) <= tolerance)) expect.fail(`${what}: got ${actual}, expected ${expected}`);
}

/** A side as the book keeps it: sizes sorted best-last in the first `count` slots, junk after. */
function sideArray(sizes: number[], spare: number): Float64Array {
  const array = new Float64Array(sizes.length + spare).fill(-7);
  array.set(sizes);
  return array;
}

describe('measureBookImbalance', () => {
  const sizeArb = fc.oneof(
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 6, arbitrary: fc.double({ min: 0, max: 1000, noNaN: true }) },
  );

  it('matches a plain sum over the best min(depth, count) levels of each side', () => {
    fc.assert(
      fc.property(
        fc.array(sizeArb, { maxLength: 60 }),
        fc.array(sizeArb, { maxLength: 60 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 80 }),
        (bids, asks, spare, depth) => {
          // Best is at the end: the top `depth` levels are the last ones.
          const top = (sizes: number[]) => sizes.slice(Math.max(0, sizes.length - depth)).reduce((a, b) => a + b, 0);
          const bid = top(bids);
          const ask = top(asks);
          const out = new BookImbalance();
          expect(measureBookImbalance(sideArray(bids, spare), bids.length, sideArray(asks, spare), asks.length, depth, out)).toBe(true);
          expectClose(out.bidTotal, bid, 0, 'bidTotal');
          expectClose(out.askTotal, ask, 0, 'askTotal');
          expectClose(out.difference, bid - ask, bid + ask, 'difference');
          expectClose(out.ratio, bid + ask > 0 ? (bid - ask) / (bid + ask) : NaN, 1, 'ratio');
        },
      ),
    );
  });

  it('gives NaN for an empty book and ±1 for a one-sided one', () => {
    const out = new BookImbalance();
    const empty = new Float64Array(4);
    expect(measureBookImbalance(empty, 0, empty, 0, 5, out)).toBe(true);
    expect([out.bidTotal, out.askTotal, out.difference]).toEqual([0, 0, 0]);
    expect(out.ratio).toBeNaN();
    measureBookImbalance(new Float64Array([3, 2]), 2, empty, 0, 5, out);
    expect(out.ratio).toBe(1);
    measureBookImbalance(empty, 0, new Float64Array([3, 2]), 2, 1, out);
    expect([out.askTotal, out.ratio]).toEqual([2, -1]);
  });

  it('refuses bad depth, counts and sizes, leaving NaN in every field', () => {
    const good = new Float64Array([1, 2, 3]);
    const cases: Array<[Float64Array, number, Float64Array, number, number]> = [
      [good, 3, good, 3, 0],
      [good, 3, good, 3, 1.5],
      [good, 3, good, 3, NaN],
      [good, 4, good, 3, 2],
      [good, 3, good, -1, 2],
      [good, 3, good, 2.5, 2],
      [new Float64Array([1, -2, 3]), 3, good, 3, 2],
      [good, 3, new Float64Array([1, 2, NaN]), 3, 2],
      [good, 3, new Float64Array([1, Infinity, 3]), 3, 3],
    ];
    for (const [bids, bidCount, asks, askCount, depth] of cases) {
      const out = new BookImbalance();
      out.ratio = 0.5;
      expect(measureBookImbalance(bids, bidCount, asks, askCount, depth, out)).toBe(false);
      expect([out.bidTotal, out.askTotal, out.difference, out.ratio].every(Number.isNaN)).toBe(true);
    }
  });

  it('ignores levels beyond the depth, even bad ones', () => {
    const out = new BookImbalance();
    expect(measureBookImbalance(new Float64Array([-5, 1, 2]), 3, new Float64Array([NaN, 4]), 2, 2, out)).toBe(false);
    expect(measureBookImbalance(new Float64Array([-5, 1, 2]), 3, new Float64Array([NaN, 4]), 2, 1, out)).toBe(true);
    expect([out.bidTotal, out.askTotal, out.difference]).toEqual([2, 4, -2]);
  });
});

type Bad = 'none' | 'nan' | 'inf' | 'older' | 'fractional';
const badArb = fc.oneof(
  { weight: 20, arbitrary: fc.constant<Bad>('none') },
  { weight: 1, arbitrary: fc.constantFrom<Bad>('nan', 'inf', 'older', 'fractional') },
);
const advanceArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.constant(1) },
  { weight: 1, arbitrary: fc.integer({ min: 2, max: 5 }) },
);

interface OhlcBar {
  seq: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

/** Every seq from one before the first to one after the last reads the bar or NaN. */
function expectRing(
  series: ImbalanceBars | CvdBars,
  bars: OhlcBar[],
  capacity: number,
  floor: number,
): void {
  if (bars.length === 0) {
    expect(series.lastSeq).toBeNaN();
    return;
  }
  const last = bars.at(-1)!.seq;
  const firstHeld = Math.max(bars[0]!.seq, last - capacity + 1);
  expect(series.firstSeq).toBe(firstHeld);
  expect(series.lastSeq).toBe(last);
  const bySeq = new Map(bars.map((b) => [b.seq, b]));
  for (let seq = bars[0]!.seq - 1; seq <= last + 1; seq++) {
    const bar = seq >= firstHeld ? bySeq.get(seq) : undefined;
    const want = bar === undefined ? [NaN, NaN, NaN, NaN] : [bar.open, bar.high, bar.low, bar.close];
    for (let o = 0; o < 4; o++) expectClose(series.valueAt(seq, o), want[o]!, floor, `seq ${seq} ${series.outputs[o]}`);
  }
}

describe('ImbalanceBars', () => {
  it('keeps open/high/low/close of the samples of each bar, first sample the open', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ advance: advanceArb, value: fc.double({ min: -1, max: 1, noNaN: true }), bad: badArb }), {
          maxLength: 200,
          size: 'max',
        }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: -100, max: 2 ** 40 }),
        (ops, capacity, startSeq) => {
          const series = new ImbalanceBars({ capacity });
          const bars: OhlcBar[] = [];
          let rejected = 0;
          for (const op of ops) {
            const live = bars.at(-1);
            const seq = live === undefined ? startSeq : live.seq + op.advance;
            if (op.bad !== 'none' && !(op.bad === 'older' && live === undefined)) {
              const badSeq = op.bad === 'older' ? live!.seq - 1 : op.bad === 'fractional' ? seq + 0.25 : seq;
              const badValue = op.bad === 'nan' ? NaN : op.bad === 'inf' ? -Infinity : op.value;
              expect(series.sample(badSeq, badValue)).toBe(false);
              rejected++;
              continue;
            }
            expect(series.sample(seq, op.value)).toBe(true);
            const value = op.value === 0 ? 0 : op.value; // a zero balance has no sign
            if (live !== undefined && live.seq === seq) {
              live.high = Math.max(live.high, value);
              live.low = Math.min(live.low, value);
              live.close = value;
            } else {
              bars.push({ seq, open: value, high: value, low: value, close: value });
            }
            const bar = bars.at(-1)!;
            expect([0, 1, 2, 3].map((o) => series.latest(o))).toEqual([bar.open, bar.high, bar.low, bar.close]);
          }
          expect(series.rejected).toBe(rejected);
          expectRing(series, bars, capacity, 0);
        },
      ),
    );
  });
});

describe('CvdBars', () => {
  it('accumulates buy minus sell across bars, each bar opening at the previous close', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            advance: advanceArb,
            start: fc.boolean(),
            amount: fc.double({ min: 0, max: 100, noNaN: true }),
            side: fc.constantFrom<TakerSide>(TakerSide.Buy, TakerSide.Sell),
            bad: badArb,
          }),
          { maxLength: 200, size: 'max' },
        ),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: -100, max: 2 ** 40 }),
        (ops, capacity, startSeq) => {
          const cvd = new CvdBars({ capacity });
          const bars: OhlcBar[] = [];
          let total = 0;
          let traded = 0;
          let rejected = 0;
          for (const op of ops) {
            const live = bars.at(-1);
            const seq = live === undefined ? startSeq : live.seq + op.advance;
            if (op.bad !== 'none' && !(op.bad === 'older' && live === undefined)) {
              if (op.bad === 'older') expect(cvd.addTrade(live!.seq - 1, op.amount, op.side)).toBe(false);
              if (op.bad === 'fractional') expect(cvd.startBar(seq + 0.5)).toBe(false);
              if (op.bad === 'nan') expect(cvd.addTrade(seq, NaN, op.side)).toBe(false);
              if (op.bad === 'inf') {
                // Alternate the other refusals: a negative amount, infinity, a side that is not ±1.
                expect(cvd.addTrade(seq, -op.amount - 1, op.side)).toBe(false);
                expect(cvd.addTrade(seq, Infinity, op.side)).toBe(false);
                expect(cvd.addTrade(seq, op.amount, 0 as TakerSide)).toBe(false);
                rejected += 2;
              }
              rejected++;
              continue;
            }
            let bar = live;
            if (bar === undefined || bar.seq !== seq) {
              bar = { seq, open: total, high: total, low: total, close: total };
              bars.push(bar);
            }
            if (op.start) {
              expect(cvd.startBar(seq)).toBe(true);
            } else {
              expect(cvd.addTrade(seq, op.amount, op.side)).toBe(true);
              total += op.side === TakerSide.Buy ? op.amount : -op.amount;
              traded += op.amount;
              bar.high = Math.max(bar.high, total);
              bar.low = Math.min(bar.low, total);
              bar.close = total;
            }
            expectClose(cvd.total, total, traded, 'total');
            for (let o = 0; o < 4; o++) {
              expectClose(cvd.latest(o), [bar.open, bar.high, bar.low, bar.close][o]!, traded, `latest ${o}`);
            }
          }
          expect(cvd.rejected).toBe(rejected);
          expectRing(cvd, bars, capacity, traded);
        },
      ),
    );
  });

  it('reset starts the running total again from 0', () => {
    const cvd = new CvdBars({});
    cvd.addTrade(1, 2, TakerSide.Buy);
    cvd.addTrade(2, 5, TakerSide.Sell);
    expect(cvd.total).toBe(-3);
    cvd.reset();
    expect(cvd.total).toBe(0);
    expect(cvd.lastSeq).toBeNaN();
    cvd.addTrade(0, 1, TakerSide.Buy);
    expect([0, 1, 2, 3].map((o) => cvd.latest(o))).toEqual([0, 1, 0, 1]);
  });
});
