import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SyncState } from '../../src/engine/book/bookSync';
import { binanceSpotRule } from '../../src/engine/book/sequenceRule';
import { EngineError } from '../../src/engine/engineError';
import { EventKind, LevelList, MarketEvent } from '../../src/engine/events';
import { Market } from '../../src/engine/market';
import { BarRing } from '../../src/feeds/simulator/barRing';
import { DecimalGrid } from '../../src/feeds/simulator/decimalGrid';
import { MarketSimulator } from '../../src/feeds/simulator/marketSimulator';
import { SeededRandom } from '../../src/feeds/simulator/seededRandom';
import { TickBook } from '../../src/feeds/simulator/tickBook';
import { DEFAULT_VOLATILITY_SHAPE, VolatilityProcess } from '../../src/feeds/simulator/volatilityProcess';

describe('DecimalGrid', () => {
  it('writes whole steps as the exact decimals an exchange sends', () => {
    const cents = new DecimalGrid(0.01);
    const lots = new DecimalGrid(0.001);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), (n) => {
        expect(cents.value(n)).toBe(Number.parseFloat((n / 100).toFixed(2)));
        expect(cents.steps(cents.value(n))).toBe(n);
        expect(lots.value(n)).toBe(Number.parseFloat((n / 1000).toFixed(3)));
      }),
    );
    expect(new DecimalGrid(5).value(7)).toBe(35);
    expect(new DecimalGrid(0.5).round(1.26)).toBe(1.5);
    expect([cents.decimals(), lots.decimals(), new DecimalGrid(0.5).decimals(), new DecimalGrid(1).decimals()]).toEqual([2, 3, 1, 0]);
  });

  it('refuses steps that are neither integers nor unit fractions', () => {
    for (const step of [0, -0.01, NaN, Infinity, 0.03, 2.5]) expect(() => new DecimalGrid(step), String(step)).toThrow(EngineError);
  });
});

describe('SeededRandom', () => {
  it('repeats a stream for a seed, and draws the distributions it names', () => {
    const a = new SeededRandom(123);
    const b = new SeededRandom(123);
    const c = new SeededRandom(124);
    const xs = Array.from({ length: 1000 }, () => a.uniform());
    expect(Array.from({ length: 1000 }, () => b.uniform())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c.uniform())).not.toEqual(xs);
    const r = new SeededRandom(7);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let expSum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      sum += z;
      sq += z * z;
      expSum += r.exponential(3);
      const u = r.open01();
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(sq / n).toBeCloseTo(1, 1);
    expect(expSum / n).toBeCloseTo(3, 1);
    expect(min).toBeGreaterThan(0);
    expect(max).toBeLessThan(1);
  });
});

describe('VolatilityProcess', () => {
  it('has the stated stationary spread, mean-one factors, and persistence', () => {
    const v = new VolatilityProcess(DEFAULT_VOLATILITY_SHAPE, new SeededRandom(5));
    const xs: number[] = [];
    let vol2 = 0;
    let act = 0;
    const n = 400_000;
    // The feedback sees standardized price shocks, as in the market.
    const shocks = new SeededRandom(99);
    for (let i = 0; i < n; i++) {
      v.stepSecond(shocks.normal());
      xs.push(v.x);
      vol2 += v.volatilityFactor() ** 2;
      act += v.activityFactor();
    }
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    let lagged = 0;
    const lag = DEFAULT_VOLATILITY_SHAPE.persistenceSeconds;
    for (let i = lag; i < n; i++) lagged += (xs[i]! - mean) * (xs[i - lag]! - mean);
    const ac = lagged / (n - lag) / sd ** 2;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(sd).toBeGreaterThan(DEFAULT_VOLATILITY_SHAPE.logSd * 0.85);
    expect(sd).toBeLessThan(DEFAULT_VOLATILITY_SHAPE.logSd * 1.15);
    expect(vol2 / n).toBeGreaterThan(0.8);
    expect(vol2 / n).toBeLessThan(1.25);
    expect(act / n).toBeGreaterThan(0.85);
    expect(act / n).toBeLessThan(1.15);
    // After one persistence time, about e^-1 of a deviation is left.
    expect(ac).toBeGreaterThan(0.25);
    expect(ac).toBeLessThan(0.5);
  });
});

describe('BarRing', () => {
  it('builds bars from trades, fills skipped bars flat, and drops the oldest when full', () => {
    const ring = new BarRing(1000, 3);
    ring.addTrade(10_100, 5, 1, 1);
    ring.addTrade(10_900, 6, 2, -1);
    ring.addTrade(13_000, 4, 1, 1);
    const bars = Array.from({ length: ring.count }, (_, i) => {
      const at = ring.index(i);
      return [ring.openTime[at], ring.open[at], ring.high[at], ring.low[at], ring.close[at], ring.volume[at], ring.takerBuyVolume[at], ring.tradeCount[at]];
    });
    expect(bars).toEqual([
      [11_000, 6, 6, 6, 6, 0, 0, 0],
      [12_000, 6, 6, 6, 6, 0, 0, 0],
      [13_000, 4, 4, 4, 4, 1, 1, 1],
    ]);
    expect(() => new BarRing(1000, 0)).toThrow(RangeError);
  });
});

/** The obviously-correct reference: one Map per side. */
class ReferenceBook {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  changedBids = new Set<number>();
  changedAsks = new Set<number>();
  constructor(
    public base: number,
    readonly width: number,
  ) {}
  best(isBid: boolean): number {
    const keys = [...(isBid ? this.bids : this.asks).keys()];
    return keys.length === 0 ? NaN : isBid ? Math.max(...keys) : Math.min(...keys);
  }
  add(isBid: boolean, tick: number, lots: number): boolean {
    if (lots <= 0 || tick < 1 || tick < this.base || tick >= this.base + this.width) return false;
    const other = this.best(!isBid);
    if (other === other && (isBid ? tick >= other : tick <= other)) return false;
    const side = isBid ? this.bids : this.asks;
    side.set(tick, (side.get(tick) ?? 0) + lots);
    (isBid ? this.changedBids : this.changedAsks).add(tick);
    return true;
  }
  remove(isBid: boolean, tick: number, lots: number): number {
    const side = isBid ? this.bids : this.asks;
    const had = side.get(tick) ?? 0;
    if (lots <= 0 || had === 0 || tick < this.base || tick >= this.base + this.width) return 0;
    const taken = Math.min(lots, had);
    if (taken === had) side.delete(tick);
    else side.set(tick, had - taken);
    (isBid ? this.changedBids : this.changedAsks).add(tick);
    return taken;
  }
  recenter(center: number): void {
    const base = Math.max(1, Math.round(center) - (this.width >> 1));
    for (const [side, changed] of [
      [this.bids, this.changedBids],
      [this.asks, this.changedAsks],
    ] as const) {
      for (const tick of [...side.keys()]) {
        if (tick < base || tick >= base + this.width) {
          side.delete(tick);
          changed.add(tick);
        }
      }
    }
    this.base = base;
  }
  outward(isBid: boolean, tick: number, maxScan: number): number {
    for (let n = 0; n < maxScan; n++) {
      const t = isBid ? tick - n : tick + n;
      if (t < this.base || t >= this.base + this.width) return NaN;
      if ((isBid ? this.bids : this.asks).has(t)) return t;
    }
    return NaN;
  }
}

type Op =
  | { op: 'add' | 'remove'; isBid: boolean; offset: number; lots: number }
  | { op: 'recenter'; offset: number }
  | { op: 'begin' }
  | { op: 'outward'; isBid: boolean; offset: number; scan: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constantFrom('add' as const, 'remove' as const), isBid: fc.boolean(), offset: fc.integer({ min: -40, max: 40 }), lots: fc.integer({ min: 1, max: 50 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('recenter' as const), offset: fc.integer({ min: -70, max: 70 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('begin' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('outward' as const), isBid: fc.boolean(), offset: fc.integer({ min: -40, max: 40 }), scan: fc.integer({ min: 1, max: 20 }) }) },
);

describe('TickBook against a Map reference', () => {
  it('agrees on every level, the touch, the counts, the change log and outward scans', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 300 }), (ops) => {
        const width = 64;
        const center = 1000;
        const book = new TickBook(width, center);
        const ref = new ReferenceBook(book.base, width);
        let centerNow = center;
        book.beginChanges();
        for (const o of ops) {
          switch (o.op) {
            case 'add':
              expect(book.add(o.isBid, centerNow + o.offset, o.lots)).toBe(ref.add(o.isBid, centerNow + o.offset, o.lots));
              break;
            case 'remove':
              expect(book.remove(o.isBid, centerNow + o.offset, o.lots)).toBe(ref.remove(o.isBid, centerNow + o.offset, o.lots));
              break;
            case 'recenter':
              centerNow += o.offset;
              book.beginChanges();
              ref.changedBids.clear();
              ref.changedAsks.clear();
              book.recenter(centerNow);
              ref.recenter(centerNow);
              expect(book.base).toBe(ref.base);
              break;
            case 'begin':
              book.beginChanges();
              ref.changedBids.clear();
              ref.changedAsks.clear();
              break;
            case 'outward':
              expect(book.levelOutward(o.isBid, centerNow + o.offset, o.scan)).toBe(ref.outward(o.isBid, centerNow + o.offset, o.scan));
              break;
          }
          expect(book.bestBid()).toBe(ref.best(true));
          expect(book.bestAsk()).toBe(ref.best(false));
          expect(book.bidCounts.levels).toBe(ref.bids.size);
          expect(book.askCounts.levels).toBe(ref.asks.size);
          expect(book.bidCounts.lots).toBe([...ref.bids.values()].reduce((a, b) => a + b, 0));
          expect(book.askCounts.lots).toBe([...ref.asks.values()].reduce((a, b) => a + b, 0));
          const logged = (log: { ticks: Float64Array; count: number }): number[] => Array.from(log.ticks.subarray(0, log.count));
          expect(logged(book.changedBids)).toHaveLength(ref.changedBids.size);
          expect(new Set(logged(book.changedBids))).toEqual(ref.changedBids);
          expect(logged(book.changedAsks)).toHaveLength(ref.changedAsks.size);
          expect(new Set(logged(book.changedAsks))).toEqual(ref.changedAsks);
        }
        for (let t = ref.base - 2; t < ref.base + width + 2; t++) {
          expect(book.lotsAt(true, t)).toBe(ref.bids.get(t) ?? 0);
          expect(book.lotsAt(false, t)).toBe(ref.asks.get(t) ?? 0);
        }
        const grid = new DecimalGrid(1);
        const out = new LevelList(4);
        book.writeSide(true, out, grid, grid);
        expect(Array.from(out.prices.subarray(0, out.count))).toEqual([...ref.bids.keys()].sort((a, b) => b - a));
        book.writeSide(false, out, grid, grid);
        expect(Array.from(out.prices.subarray(0, out.count))).toEqual([...ref.asks.keys()].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });
});

describe('MarketSimulator in a wild market (the book window follows big moves)', () => {
  it('moves its window, removing stranded far levels in diffs the engine applies like any other', () => {
    // 1% a minute: the price travels well past a quarter of the window within hours.
    const sim = new MarketSimulator({ seed: 17, minuteVolatility: 0.01, historyBars: 10 });
    const market = new Market({ symbol: 'SIM/USDT', tickSize: 0.01, sequenceRule: binanceSpotRule, bookCapacity: 4096 });
    const e = new MarketEvent();
    const end = sim.time + 4 * 3600_000;
    let touchMismatches = 0;
    let crossed = 0;
    let low = Infinity;
    let high = 0;
    while (sim.nextTime() < end) {
      const kind = sim.step(e);
      market.onEvent(e);
      if (kind === EventKind.DepthDiff) {
        if (market.book.bestBid() !== sim.bestBid() || market.book.bestAsk() !== sim.bestAsk()) touchMismatches++;
        if (market.book.isCrossed()) crossed++;
      } else if (kind === EventKind.Trade) {
        low = Math.min(low, e.price);
        high = Math.max(high, e.price);
      }
    }
    console.log(`wild market: price ${low}..${high}, ${sim.stats.recenters} window moves removing ${sim.stats.strandedLevels} stranded levels, ${sim.stats.byKind.depthDiffs} diffs`);
    expect(sim.stats.recenters).toBeGreaterThan(0);
    expect(sim.stats.strandedLevels).toBeGreaterThan(0);
    expect(market.sync.state).toBe(SyncState.Live);
    expect(market.sync.stats.gaps).toBe(0);
    expect(market.rejectedTotal()).toBe(0);
    expect(touchMismatches).toBe(0);
    expect(crossed).toBe(0);
    expect(market.tickerCheck.atArrival.mismatches).toBe(0);
    // The engine's whole book equals a fresh snapshot of the simulator's.
    sim.requestSnapshot();
    while (sim.step(e) !== EventKind.DepthSnapshot) market.onEvent(e);
    expect(e.bids.count).toBe(market.book.bids.count);
    expect(e.asks.count).toBe(market.book.asks.count);
    for (let i = 0; i < e.asks.count; i++) expect(e.asks.prices[i]).toBe(market.book.asks.prices[market.book.asks.count - 1 - i]);
  });
});
