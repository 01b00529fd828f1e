/**
 * Every indicator against a plain reference that recomputes the whole series from scratch after
 * each input, on random bar streams: several updates of the live bar, new bars, skipped seqs,
 * refused inputs, and a history ring small enough to wrap. Bollinger Bands are in
 * indicatorsBollinger.test.ts (they need an exact reference).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ema } from '../../src/engine/indicators/ema';
import type { Indicator } from '../../src/engine/indicators/indicatorSeries';
import { Macd } from '../../src/engine/indicators/macd';
import { Rsi } from '../../src/engine/indicators/rsi';
import { SessionVwap } from '../../src/engine/indicators/sessionVwap';
import { Sma } from '../../src/engine/indicators/sma';
import { Wma } from '../../src/engine/indicators/wma';
import { PRICE_SOURCES } from '../../src/engine/indicators/priceSource';

const REL = 1e-9;
const DAY = 86_400_000;

interface Bar {
  seq: number;
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** `actual` equals `expected` (both NaN, or within 1e-9 of max(|expected|, floor)). */
function expectClose(actual: number, expected: number, floor: number, what: string): void {
  if (Number.isNaN(expected)) {
    expect(actual, `${what}: expected NaN`).toBeNaN();
    return;
  }
  const tolerance = REL * Math.max(Math.abs(expected), floor);
  if (!(Math.abs(actual - expected) <= tolerance)) {
    expect.fail(`${what}: got ${actual}, expected ${expected} (tolerance ${tolerance})`);
  }
}

// ---------- plain references: whole series in, one row of outputs per bar out ----------

function refSma(xs: number[], n: number): number[] {
  return xs.map((_, i) => {
    if (i < n - 1) return NaN;
    let sum = 0;
    for (let j = i - n + 1; j <= i; j++) sum += xs[j]!;
    return sum / n;
  });
}

/** TradingView ta.ema: SMA of the first n values, then alpha*x + (1-alpha)*prev. NaN inputs are skipped. */
function refEma(xs: number[], n: number): number[] {
  const alpha = 2 / (n + 1);
  const out: number[] = [];
  const seen: number[] = [];
  let prev = NaN;
  for (const x of xs) {
    if (Number.isNaN(x)) {
      out.push(NaN);
      continue;
    }
    seen.push(x);
    if (seen.length < n) prev = NaN;
    else if (seen.length === n) prev = seen.reduce((a, b) => a + b, 0) / n;
    else prev = alpha * x + (1 - alpha) * prev;
    out.push(prev);
  }
  return out;
}

function refWma(xs: number[], n: number): number[] {
  return xs.map((_, i) => {
    if (i < n - 1) return NaN;
    let weighted = 0;
    let weights = 0;
    for (let k = 0; k < n; k++) {
      weighted += (n - k) * xs[i - k]!;
      weights += n - k;
    }
    return weighted / weights;
  });
}

/** TradingView ta.rsi (Wilder's RMA seeded with the SMA of the first n changes). */
function refRsi(xs: number[], n: number): number[] {
  const out: number[] = [NaN];
  let up = NaN;
  let down = NaN;
  for (let i = 1; i < xs.length; i++) {
    const change = xs[i]! - xs[i - 1]!;
    const gain = Math.max(change, 0);
    const loss = Math.max(-change, 0);
    if (i < n) {
      out.push(NaN);
      continue;
    }
    if (i === n) {
      let gains = 0;
      let losses = 0;
      for (let j = 1; j <= n; j++) {
        gains += Math.max(xs[j]! - xs[j - 1]!, 0);
        losses += Math.max(xs[j - 1]! - xs[j]!, 0);
      }
      up = gains / n;
      down = losses / n;
    } else {
      up = (up * (n - 1) + gain) / n;
      down = (down * (n - 1) + loss) / n;
    }
    out.push(down === 0 ? 100 : up === 0 ? 0 : 100 - 100 / (1 + up / down));
  }
  return out.slice(0, xs.length);
}

function refMacd(xs: number[], fast: number, slow: number, signal: number): number[][] {
  const f = refEma(xs, fast);
  const s = refEma(xs, slow);
  const macd = xs.map((_, i) => f[i]! - s[i]!);
  const sig = refEma(macd, signal);
  return xs.map((_, i) => [macd[i]!, sig[i]!, macd[i]! - sig[i]!]);
}

function refVwap(bars: Bar[]): number[] {
  let day = NaN;
  let pv = 0;
  let v = 0;
  return bars.map((b) => {
    const d = Math.floor(b.openTime / DAY);
    if (d !== day) {
      day = d;
      pv = 0;
      v = 0;
    }
    pv += ((b.high + b.low + b.close) / 3) * b.volume;
    v += b.volume;
    return v > 0 ? pv / v : NaN;
  });
}

// ---------- random bar streams ----------

type Bad = 'none' | 'nan' | 'inf' | 'older' | 'fractional';

interface Op {
  advance: number;
  move: number;
  bad: Bad;
  volume: number;
  wick: number;
}

const opArb: fc.Arbitrary<Op> = fc.record({
  advance: fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 5, arbitrary: fc.constant(1) },
    { weight: 1, arbitrary: fc.integer({ min: 2, max: 4 }) },
  ),
  move: fc.oneof(
    { weight: 8, arbitrary: fc.double({ min: -0.03, max: 0.03, noNaN: true }) },
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.double({ min: -0.5, max: 0.5, noNaN: true }) },
  ),
  bad: fc.oneof(
    { weight: 24, arbitrary: fc.constant<Bad>('none') },
    { weight: 1, arbitrary: fc.constantFrom<Bad>('nan', 'inf', 'older', 'fractional') },
  ),
  volume: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 6, arbitrary: fc.double({ min: 0, max: 50, noNaN: true }) }),
  wick: fc.double({ min: 0, max: 0.02, noNaN: true }),
});

const streamArb = fc.record({
  ops: fc.array(opArb, { minLength: 1, maxLength: 160, size: 'max' }),
  startSeq: fc.oneof(fc.constant(0), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 2 ** 40 })),
  startPrice: fc.double({ min: 1, max: 100_000, noNaN: true }),
  startTime: fc.integer({ min: 1_500_000_000_000, max: 1_800_000_000_000 }),
  timeframe: fc.constantFrom(60_000, 15 * 60_000, 4 * 3_600_000, DAY),
  capacity: fc.integer({ min: 1, max: 48 }),
});

interface Case {
  name: string;
  /** Parameters drawn per run (periods). */
  params: fc.Arbitrary<number[]>;
  make(params: number[], capacity: number): Indicator;
  feed(indicator: Indicator, bar: Bar): boolean;
  reference(bars: Bar[], params: number[]): number[][];
  /** Per output: tolerance floor given the bars (1e-9 of it is the absolute tolerance near 0). */
  floor(output: number, bars: Bar[]): number;
}

const closes = (bars: Bar[]) => bars.map((b) => b.close);
const priceLevel = (bars: Bar[]) => Math.max(...bars.map((b) => Math.abs(b.close)));
const column = (xs: number[]) => xs.map((x) => [x]);
const period = fc.integer({ min: 1, max: 24 }).map((n) => [n]);
const feedClose = (indicator: Indicator, bar: Bar) => (indicator as Sma).update(bar.seq, bar.close);

const CASES: Case[] = [
  {
    name: 'SMA',
    params: period,
    make: ([n], capacity) => new Sma({ period: n, capacity }),
    feed: feedClose,
    reference: (bars, [n]) => column(refSma(closes(bars), n!)),
    floor: () => 0,
  },
  {
    name: 'EMA',
    params: period,
    make: ([n], capacity) => new Ema({ period: n, capacity }),
    feed: feedClose,
    reference: (bars, [n]) => column(refEma(closes(bars), n!)),
    floor: () => 0,
  },
  {
    name: 'WMA',
    params: period,
    make: ([n], capacity) => new Wma({ period: n, capacity }),
    feed: feedClose,
    reference: (bars, [n]) => column(refWma(closes(bars), n!)),
    floor: () => 0,
  },
  {
    name: 'RSI',
    params: period,
    make: ([n], capacity) => new Rsi({ period: n, capacity }),
    feed: feedClose,
    reference: (bars, [n]) => column(refRsi(closes(bars), n!)),
    // RSI lives on a 0..100 scale.
    floor: () => 100,
  },
  {
    name: 'MACD',
    params: fc
      .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 10 }))
      .map(([fast, extra, signal]) => [fast, fast + extra, signal]),
    make: ([fast, slow, signal], capacity) => new Macd({ fast, slow, signal, capacity }),
    feed: feedClose,
    reference: (bars, [fast, slow, signal]) => refMacd(closes(bars), fast!, slow!, signal!),
    // MACD is a difference of two prices: its error is relative to the price level.
    floor: (_, bars) => priceLevel(bars),
  },
  {
    name: 'VWAP',
    params: fc.constant([]),
    make: (_, capacity) => new SessionVwap({ capacity }),
    feed: (indicator, b) => indicator.updateBar(b.seq, b.openTime, b.open, b.high, b.low, b.close, b.volume),
    reference: (bars) => column(refVwap(bars)),
    floor: () => 0,
  },
];

describe.each(CASES)('$name matches a from-scratch reference', (c) => {
  it('after every input, on the live bar and for every bar still held', () => {
    fc.assert(
      fc.property(streamArb, c.params, (stream, params) => {
        const indicator = c.make(params, stream.capacity);
        const bars: Bar[] = [];
        let price = stream.startPrice;
        let rejected = 0;
        for (const op of stream.ops) {
          price *= 1 + op.move;
          const live = bars[bars.length - 1];
          const seq = live === undefined ? stream.startSeq : live.seq + op.advance;
          const openTime = live === undefined ? stream.startTime : live.openTime + op.advance * stream.timeframe;
          const bar: Bar = {
            seq,
            openTime,
            open: price * (1 - op.wick / 2),
            high: price * (1 + op.wick),
            low: price * (1 - op.wick),
            close: price,
            volume: op.volume,
          };
          if (op.bad !== 'none' && !(op.bad === 'older' && live === undefined)) {
            if (op.bad === 'nan') bar.close = NaN;
            if (op.bad === 'inf') bar.close = Infinity;
            if (op.bad === 'older') bar.seq = live!.seq - 1 - op.advance;
            if (op.bad === 'fractional') bar.seq += 0.5;
            expect(c.feed(indicator, bar), `refused ${op.bad}`).toBe(false);
            rejected++;
          } else {
            expect(c.feed(indicator, bar)).toBe(true);
            if (live !== undefined && live.seq === seq) bars[bars.length - 1] = bar;
            else bars.push(bar);
          }
          if (bars.length === 0) continue;
          const last = c.reference(bars, params).at(-1)!;
          for (let o = 0; o < indicator.outputs.length; o++) {
            expectClose(indicator.latest(o), last[o]!, c.floor(o, bars), `latest ${indicator.outputs[o]}`);
          }
        }
        expect(indicator.rejected).toBe(rejected);
        if (bars.length === 0) {
          expect(indicator.lastSeq).toBeNaN();
          return;
        }

        // The ring: held seqs read their final values, skipped and evicted seqs NaN.
        const expected = c.reference(bars, params);
        const lastSeq = bars.at(-1)!.seq;
        const firstHeld = Math.max(bars[0]!.seq, lastSeq - stream.capacity + 1);
        expect(indicator.lastSeq).toBe(lastSeq);
        expect(indicator.firstSeq).toBe(firstHeld);
        const bySeq = new Map(bars.map((b, i) => [b.seq, i]));
        const copied = new Float64Array(lastSeq - bars[0]!.seq + 3);
        for (let o = 0; o < indicator.outputs.length; o++) {
          indicator.copyRange(bars[0]!.seq - 1, copied.length, o, copied);
          for (let seq = bars[0]!.seq - 1; seq <= lastSeq + 1; seq++) {
            const index = bySeq.get(seq);
            const want = index !== undefined && seq >= firstHeld ? expected[index]![o]! : NaN;
            const got = indicator.valueAt(seq, o);
            expectClose(got, want, c.floor(o, bars), `seq ${seq} ${indicator.outputs[o]}`);
            expect(Object.is(copied[seq - bars[0]!.seq + 1], got), `copyRange at ${seq}`).toBe(true);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('warm-up: the first defined value', () => {
  const ramp = (count: number) => Array.from({ length: count }, (_, i) => 100 + i * 3 + (i % 4));
  function firstDefined(indicator: Indicator, output: number, xs: number[]): number {
    xs.forEach((x, i) => indicator.updateBar(i, i * 60_000, x, x, x, x, 1));
    for (let i = 0; i < xs.length; i++) if (!Number.isNaN(indicator.valueAt(i, output))) return i;
    return -1;
  }

  it.each([
    ['SMA(9)', () => new Sma({ period: 9 }), 0, 8],
    ['EMA(21)', () => new Ema({ period: 21 }), 0, 20],
    ['WMA(5)', () => new Wma({ period: 5 }), 0, 4],
    ['RSI(14)', () => new Rsi({ period: 14 }), 0, 14],
    ['MACD line (12,26,9)', () => new Macd({}), 0, 25],
    ['MACD signal (12,26,9)', () => new Macd({}), 1, 33],
    ['MACD histogram (12,26,9)', () => new Macd({}), 2, 33],
    ['VWAP', () => new SessionVwap({}), 0, 0],
  ] as const)('%s', (_, make, output, index) => {
    const indicator = make();
    expect(firstDefined(indicator, output, ramp(60))).toBe(index);
    expect(indicator.warmupBars).toBeGreaterThanOrEqual(index + 1);
  });

  it('warmupBars is the bar count from which every output is defined', () => {
    for (const indicator of [new Sma({ period: 7 }), new Ema({}), new Wma({}), new Rsi({}), new Macd({}), new SessionVwap({})]) {
      const xs = ramp(80);
      xs.forEach((x, i) => indicator.updateBar(i, i * 60_000, x, x, x, x, 1));
      const all = (i: number) => indicator.outputs.every((_, o) => !Number.isNaN(indicator.valueAt(i, o)));
      expect(all(indicator.warmupBars - 1), indicator.label).toBe(true);
      if (indicator.warmupBars > 1) expect(all(indicator.warmupBars - 2), indicator.label).toBe(false);
    }
  });

  it('RSI follows TradingView at the edges: 100 without losses (also flat), 0 without gains', () => {
    const up = new Rsi({ period: 3 });
    const down = new Rsi({ period: 3 });
    const flat = new Rsi({ period: 3 });
    for (let i = 0; i < 6; i++) {
      up.update(i, 10 + i);
      down.update(i, 10 - i);
      flat.update(i, 10);
    }
    expect([up.latest(), down.latest(), flat.latest()]).toEqual([100, 0, 100]);
  });
});

describe('the live bar is provisional', () => {
  it('replacing the live input many times leaves the same state as one final update', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: 1, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 5 }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 10 }),
        (barsOfUpdates, n) => {
          const make = () => [new Sma({ period: n }), new Ema({ period: n }), new Wma({ period: n }), new Rsi({ period: n }), new Macd({ fast: n, slow: n + 3, signal: n })];
          const churned = make();
          const direct = make();
          barsOfUpdates.forEach((updates, seq) => {
            for (const x of updates) churned.forEach((ind) => ind.update(seq, x));
            direct.forEach((ind) => ind.update(seq, updates.at(-1)!));
          });
          churned.forEach((ind, k) => {
            for (let seq = 0; seq < barsOfUpdates.length; seq++) {
              for (let o = 0; o < ind.outputs.length; o++) {
                expect(Object.is(ind.valueAt(seq, o), direct[k]!.valueAt(seq, o)), `${ind.label} ${seq}`).toBe(true);
              }
            }
          });
        },
      ),
    );
  });
});

describe('bar inputs', () => {
  it('updateBar follows options.source', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PRICE_SOURCES),
        fc.array(fc.tuple(fc.double({ min: 1, max: 1e4, noNaN: true }), fc.double({ min: 0, max: 0.1, noNaN: true })), {
          minLength: 1,
          maxLength: 40,
        }),
        (source, bars) => {
          const viaBar = new Ema({ period: 3, source });
          const viaValue = new Ema({ period: 3 });
          bars.forEach(([price, wick], seq) => {
            const [open, high, low, close] = [price * (1 - wick / 3), price * (1 + wick), price * (1 - wick), price];
            const value = {
              open,
              high,
              low,
              close,
              hl2: (high + low) / 2,
              hlc3: (high + low + close) / 3,
              ohlc4: (open + high + low + close) / 4,
            }[source];
            viaBar.updateBar(seq, seq * 60_000, open, high, low, close, 1);
            viaValue.update(seq, value);
            expect(viaBar.latest()).toBe(viaValue.latest());
          });
        },
      ),
    );
  });

  it('VWAP refuses a negative or non-finite volume and a bad open time, changing nothing', () => {
    const vwap = new SessionVwap({});
    expect(vwap.update(0, 0, 11, 9, 10, 2)).toBe(true);
    expect(vwap.update(0, 0, 11, 9, 10, -1)).toBe(false);
    expect(vwap.update(1, 60_000, 11, 9, 10, NaN)).toBe(false);
    expect(vwap.update(1, NaN, 11, 9, 10, 1)).toBe(false);
    expect(vwap.rejected).toBe(3);
    expect(vwap.lastSeq).toBe(0);
    expect(vwap.latest()).toBe(10);
  });

  it('VWAP restarts at 00:00 UTC and is NaN while the session has no volume', () => {
    const vwap = new SessionVwap({});
    const midnight = Date.UTC(2024, 7, 9);
    vwap.update(0, midnight - 60_000, 101, 99, 100, 5);
    vwap.update(1, midnight, 201, 199, 200, 0);
    expect(vwap.valueAt(0)).toBeCloseTo(100, 12);
    expect(vwap.valueAt(1)).toBeNaN();
    vwap.update(2, midnight + 60_000, 301, 299, 300, 1);
    expect(vwap.valueAt(2)).toBeCloseTo(300, 12);
  });
});

describe('history ring and reset', () => {
  it('reset forgets everything; replaying gives the same values as a fresh indicator', () => {
    const xs = Array.from({ length: 50 }, (_, i) => 1000 + Math.sin(i) * 20);
    const used = new Macd({ capacity: 16 });
    xs.forEach((x, i) => used.update(i + 7, x));
    used.update(3, 1);
    expect(used.rejected).toBe(1);
    used.reset();
    expect(used.rejected).toBe(0);
    expect(used.lastSeq).toBeNaN();
    expect(used.firstSeq).toBeNaN();
    expect(used.latest()).toBeNaN();
    const fresh = new Macd({ capacity: 16 });
    xs.forEach((x, i) => {
      used.update(i, x);
      fresh.update(i, x);
    });
    for (let seq = 0; seq < 50; seq++) {
      for (let o = 0; o < 3; o++) expect(Object.is(used.valueAt(seq, o), fresh.valueAt(seq, o))).toBe(true);
    }
  });

  it('a jump of many seqs clears the whole ring', () => {
    const sma = new Sma({ period: 1, capacity: 4 });
    for (let seq = 0; seq < 4; seq++) sma.update(seq, seq + 1);
    sma.update(1_000_000, 9);
    expect(sma.firstSeq).toBe(999_997);
    for (let seq = 999_997; seq < 1_000_000; seq++) expect(sma.valueAt(seq)).toBeNaN();
    expect(sma.latest()).toBe(9);
    expect(sma.valueAt(3)).toBeNaN();
  });

  it('valueAt is NaN for an unknown output or a non-integer seq', () => {
    const ema = new Ema({ period: 1 });
    ema.update(5, 10);
    expect(ema.valueAt(5, 0)).toBe(10);
    expect(ema.valueAt(5, 1)).toBeNaN();
    expect(ema.valueAt(5, -1)).toBeNaN();
    expect(ema.valueAt(5.5, 0)).toBeNaN();
  });
});

describe('long series keep their accuracy', () => {
  it('SMA and WMA over 200k bars near 60000 stay within 1e-9 of a fresh sum', () => {
    const n = 50;
    const sma = new Sma({ period: n, capacity: 64 });
    const wma = new Wma({ period: n, capacity: 64 });
    const xs: number[] = [];
    let x = 60_000;
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 200_000; i++) {
      x += (random() - 0.5) * 30;
      xs.push(x);
      sma.update(i, x + 7);
      sma.update(i, x);
      wma.update(i, x);
    }
    const tail = xs.slice(-n - 10);
    const sm = refSma(tail, n);
    const wm = refWma(tail, n);
    for (let k = 0; k < 10; k++) {
      const seq = xs.length - 10 + k;
      expectClose(sma.valueAt(seq), sm[n + k]!, 0, `SMA ${seq}`);
      expectClose(wma.valueAt(seq), wm[n + k]!, 0, `WMA ${seq}`);
    }
  });

  it('SMA and WMA stay within 1e-9 on values spanning 15 orders of magnitude (spikes leave no trace)', () => {
    const magnitude = fc
      .tuple(fc.integer({ min: -3, max: 12 }), fc.double({ min: 1, max: 10, noNaN: true }))
      .map(([e, m]) => m * 10 ** e);
    fc.assert(
      fc.property(fc.array(magnitude, { minLength: 1, maxLength: 200, size: 'max' }), fc.integer({ min: 1, max: 20 }), (xs, n) => {
        const sma = new Sma({ period: n });
        const wma = new Wma({ period: n });
        xs.forEach((x, i) => {
          sma.update(i, x * 3);
          sma.update(i, x);
          wma.update(i, x);
          const window = xs.slice(0, i + 1);
          expectClose(sma.latest(), refSma(window, n).at(-1)!, 0, `SMA at ${i}`);
          expectClose(wma.latest(), refWma(window, n).at(-1)!, 0, `WMA at ${i}`);
        });
      }),
      { numRuns: 60 },
    );
  });
});
