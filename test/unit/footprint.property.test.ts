/**
 * FootprintBars against a plain reference (per bar a Map of tick → {buy, sell}) on random trades:
 * new lows and highs far from the first price (slab shifts and moves), gaps between bars, late
 * trades, bar rollover, the bar ring wrapping and the cell pool wrapping. Then what readers get
 * from it: points of control and changed cells (the panel's rows, profiles and naked POCs: priceProfile.test.ts, nakedPocs.property.test.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FootprintBars } from '../../src/engine/footprint/footprintBars';
import { collectFootprintChanges, FootprintCellRows } from '../../src/engine/footprint/footprintChanges';
import { FOOTPRINT_CELL_STRIDE } from '../../src/engine/protocol';

const MINUTE = 60_000;
const T0 = 1_723_161_240_000;
const TICK = 0.1;

interface Cell {
  buy: number;
  sell: number;
}
interface RefBar {
  time: number;
  cells: Map<number, Cell>;
  low: number;
  high: number;
}

/** The footprint as a list of bars (oldest first), each a map from tick to amounts. */
class Reference {
  bars: RefBar[] = [];
  constructor(
    readonly capacity: number,
    readonly maxBarCells: number,
  ) {}

  trade(time: number, tick: number, amount: number, side: number): void {
    const newest = this.bars.at(-1);
    let bar: RefBar | undefined;
    if (!newest || time > newest.time) {
      bar = { time, cells: new Map(), low: Infinity, high: -Infinity };
      this.bars.push(bar);
      if (this.bars.length > this.capacity) this.bars.shift();
    } else {
      bar = this.bars.find((b) => b.time === time);
      if (!bar) return;
    }
    if (Math.max(bar.high, tick) - Math.min(bar.low, tick) + 1 > this.maxBarCells) return;
    const cell = bar.cells.get(tick) ?? { buy: 0, sell: 0 };
    if (side === 1) cell.buy += amount;
    else cell.sell += amount;
    bar.cells.set(tick, cell);
    bar.low = Math.min(bar.low, tick);
    bar.high = Math.max(bar.high, tick);
  }
}

/** Most volume, the lowest tick on a tie. */
function refPoc(bar: RefBar): number {
  let best = NaN;
  let bestTotal = -1;
  for (const [tick, c] of [...bar.cells].sort((a, b) => a[0] - b[0])) {
    if (c.buy + c.sell > bestTotal) {
      bestTotal = c.buy + c.sell;
      best = tick;
    }
  }
  return best;
}

interface TradeSpec {
  /** Bars after the first (a jump leaves gaps). */
  bar: number;
  offset: number;
  tick: number;
  amount: number;
  buy: boolean;
}

/** Trades whose bar mostly advances (sometimes jumps, sometimes goes back: late). */
const tradesArb = fc.array(
  fc.record({
    step: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: -1 }) }),
    offset: fc.integer({ min: 0, max: MINUTE - 1 }),
    move: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -3, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: -120, max: 120 }) }),
    amount: fc.integer({ min: 1, max: 4 }).map((q) => q / 4),
    buy: fc.boolean(),
  }),
  { minLength: 1, maxLength: 400, size: 'max' },
).map((raw) => {
  let bar = 0;
  let newest = 0;
  let tick = 600_000;
  const out: TradeSpec[] = [];
  for (const r of raw) {
    bar = r.step < 0 ? Math.max(0, newest + r.step) : newest + r.step;
    newest = Math.max(newest, bar);
    tick = Math.max(1, tick + r.move);
    out.push({ bar, offset: r.offset, tick, amount: r.amount, buy: r.buy });
  }
  return out;
});

function feed(specs: TradeSpec[], fp: FootprintBars, ref: Reference): void {
  for (const s of specs) {
    const time = T0 + s.bar * MINUTE;
    // Prices as the exchange writes them (decimal text parsed), keyed back to ticks by the engine.
    const price = Number((s.tick * TICK).toFixed(1));
    const evicted = fp.stats.evicted;
    fp.addTrade(time, price, s.amount, s.buy ? 1 : -1);
    // A bar whose cells were overwritten refuses later trades (counted): its range and POC stay.
    if (fp.stats.evicted === evicted) ref.trade(time, s.tick, s.amount, s.buy ? 1 : -1);
  }
}

function expectSame(fp: FootprintBars, ref: Reference, everyBarIntact: boolean): number {
  expect(fp.count).toBe(ref.bars.length);
  let compared = 0;
  for (let pos = 0; pos < fp.count; pos++) {
    const slot = fp.slotAt(pos);
    const bar = ref.bars[pos];
    expect(fp.openTimeAt(slot)).toBe(bar.time);
    // Range and POC survive the loss of the cells; the cells must be exact while held.
    if (bar.cells.size > 0) {
      expect([fp.lowTickAt(slot), fp.highTickAt(slot)]).toEqual([bar.low, bar.high]);
      expect(fp.pocTickAt(slot)).toBe(refPoc(bar));
    }
    if (!fp.hasCells(slot)) {
      expect(everyBarIntact).toBe(false);
      continue;
    }
    let buy = 0;
    let sell = 0;
    for (let tick = bar.low - 2; tick <= bar.high + 2; tick++) {
      const i = fp.cellIndex(slot, tick);
      const c = bar.cells.get(tick) ?? { buy: 0, sell: 0 };
      expect(i >= 0 ? [fp.cells.buy(i), fp.cells.sell(i)] : [0, 0], `bar ${pos} tick ${tick}`).toEqual([c.buy, c.sell]);
      buy += c.buy;
      sell += c.sell;
    }
    expect([fp.buyVolumeAt(slot), fp.sellVolumeAt(slot)]).toEqual([buy, sell]);
    compared++;
  }
  return compared;
}

describe('FootprintBars against a Map-per-bar reference', () => {
  it('holds exactly the reference cells with a pool that never wraps', () => {
    fc.assert(
      fc.property(tradesArb, (specs) => {
        const fp = new FootprintBars(TICK, { bars: 6, maxCells: 1 << 16, initialCells: 16, maxBarCells: 1 << 14 });
        const ref = new Reference(6, 1 << 14);
        feed(specs, fp, ref);
        expectSame(fp, ref, true);
      }),
      { numRuns: 300 },
    );
  });

  it('with a small pool: bars whose cells were overwritten read as such, every other bar is exact', () => {
    let lost = 0;
    fc.assert(
      fc.property(tradesArb, (specs) => {
        const fp = new FootprintBars(TICK, { bars: 40, maxCells: 512, initialCells: 64, maxBarCells: 128 });
        const ref = new Reference(40, 128);
        feed(specs, fp, ref);
        const intact = expectSame(fp, ref, false);
        lost += fp.count - intact;
        // The newest bar always has its cells.
        if (fp.count > 0) expect(fp.hasCells(fp.slotAt(fp.count - 1))).toBe(true);
        expect(fp.cells.size).toBeLessThanOrEqual(512);
      }),
      { numRuns: 300 },
    );
    expect(lost).toBeGreaterThan(0); // the pool did wrap in some runs
  });

  it('reads the changed cells as the reference computes them', () => {
    fc.assert(
      // A change log of 1 or 16 trades makes most reads scan the bars; 4096 reads the log.
      fc.property(tradesArb, fc.integer({ min: 0, max: 400 }), fc.constantFrom(1, 16, 4096), (specs, split, changeLog) => {
        const fp = new FootprintBars(TICK, { bars: 8, maxCells: 1 << 16, initialCells: 16, changeLog });
        const ref = new Reference(8, 1 << 16);
        feed(specs.slice(0, split), fp, ref);
        const seen = fp.revision;
        feed(specs.slice(split), fp, ref);
        const changedTicks = new Set<string>();
        {
          // Which cells the later trades touched, from a fresh replay of the same trades.
          const before = new Reference(8, 1 << 16);
          for (const s of specs.slice(0, split)) before.trade(T0 + s.bar * MINUTE, s.tick, s.amount, s.buy ? 1 : -1);
          for (const s of specs.slice(split)) {
            const time = T0 + s.bar * MINUTE;
            if (ref.bars.some((b) => b.time === time && b.cells.has(s.tick))) changedTicks.add(`${time}:${s.tick}`);
          }
        }

        // Changed cells since `seen`: exactly the touched ones, with their current amounts.
        const out = new FootprintCellRows();
        expect(collectFootprintChanges(fp, seen, -Infinity, out)).toBe(fp.revision);
        const got = new Set<string>();
        for (let r = 0; r < out.count; r++) {
          const [time, price, buy, sell] = out.data.subarray(r * FOOTPRINT_CELL_STRIDE, (r + 1) * FOOTPRINT_CELL_STRIDE);
          // Bars oldest first, prices ascending within a bar (the protocol's order).
          if (r > 0) {
            const [lastTime, lastPrice] = out.data.subarray((r - 1) * FOOTPRINT_CELL_STRIDE, r * FOOTPRINT_CELL_STRIDE);
            expect(time > lastTime! || (time === lastTime && price! > lastPrice!)).toBe(true);
          }
          const tick = Math.round(price / TICK);
          expect(price).toBe(Number((tick * TICK).toFixed(1)));
          const c = ref.bars.find((b) => b.time === time)!.cells.get(tick)!;
          expect([buy, sell]).toEqual([c.buy, c.sell]);
          got.add(`${time}:${tick}`);
        }
        expect(got).toEqual(changedTicks);
      }),
      { numRuns: 200 },
    );
  });
});
