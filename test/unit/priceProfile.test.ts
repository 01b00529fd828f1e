/**
 * The panel's volume profile (webview/state/priceProfile.ts) on random trades, fed the way the
 * panel gets them (engine footprint → footprint diff → the panel's cells): a range's profile is
 * the sum of its bars' cells at the step (checked against the trades summed by hand), its point
 * of control the fullest row (the lowest on a tie) and its value area as a plain reference finds it.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FootprintBars } from '../../src/engine/footprint/footprintBars';
import { collectFootprintChanges, FootprintCellRows } from '../../src/engine/footprint/footprintChanges';
import { FOOTPRINT_CELL_STRIDE } from '../../src/engine/protocol';
import { FootprintCells } from '../../webview/state/footprintCells';
import { fixedRangeInView, parseFixedProfileRange, PriceProfile, rowOf, sumPriceProfile } from '../../webview/state/priceProfile';
import { parseViewState } from '../../webview/state/viewState';

const MINUTE = 60_000;
const T0 = 1_723_161_240_000;
const TICK = 0.01;
const BARS = 12;

const trade = fc.record({
  bar: fc.integer({ min: 0, max: BARS - 1 }),
  tick: fc.integer({ min: 6_174_000, max: 6_176_000 }),
  // Round amounts too, so rows tie (the POC is then the lowest, as the engine's).
  amount: fc.oneof(fc.constantFrom(0.5, 1, 2), fc.integer({ min: 1, max: 500_000 }).map((n) => n / 100_000)),
  buy: fc.boolean(),
});

/** The bars' open times as the panel's series holds them (every bar, with cells or not). */
const barTimes = { time: (i: number): number => T0 + i * MINUTE };

function setUp(trades: { bar: number; tick: number; amount: number; buy: boolean }[]): { fp: FootprintBars; cells: FootprintCells } {
  const fp = new FootprintBars(TICK);
  // Bars open in time order (an older bar must be held before a trade can land in it).
  for (const t of [...trades].sort((a, b) => a.bar - b.bar)) fp.addTrade(barTimes.time(t.bar), fp.priceOf(t.tick), t.amount, t.buy ? 1 : -1);
  const rows = new FootprintCellRows();
  collectFootprintChanges(fp, -1, -Infinity, rows);
  const cells = new FootprintCells();
  cells.apply({ reset: true, cells: rows.data.slice(0, rows.count * FOOTPRINT_CELL_STRIDE), partialBars: new Float64Array(0) });
  return { fp, cells };
}

describe('the panel volume profile', () => {
  it('is the sum of its bars, with its POC the fullest row', () => {
    fc.assert(
      fc.property(
        fc.array(trade, { minLength: 0, maxLength: 300 }),
        fc.constantFrom(1, 5, 10, 100, 500),
        fc.integer({ min: 0, max: BARS - 1 }),
        fc.integer({ min: 0, max: BARS - 1 }),
        fc.constantFrom(0.7, 0.5, 0.9),
        (trades, ticksPerRow, a, b, share) => {
          const [first, last] = [Math.min(a, b), Math.max(a, b)];
          const { cells } = setUp(trades);
          const step = TICK * ticksPerRow;
          const profile = new PriceProfile(4);
          const summed = sumPriceProfile(cells, barTimes, first, last, step, profile, share);

          // By hand: the trades of those bars, per row.
          const byHand = new Map<number, [number, number]>();
          const inRange = trades.filter((t) => t.bar >= first && t.bar <= last);
          for (const t of inRange) {
            const row = Math.floor(t.tick / ticksPerRow);
            const cell = byHand.get(row) ?? [0, 0];
            cell[t.buy ? 0 : 1] += t.amount;
            byHand.set(row, cell);
          }
          expect(summed).toBe(new Set(inRange.map((t) => t.bar)).size);
          for (let r = 0; r < profile.count; r++) {
            const [buy, sell] = byHand.get(profile.firstRow + r) ?? [0, 0];
            expect(profile.buy[r]).toBeCloseTo(buy, 9);
            expect(profile.sell[r]).toBeCloseTo(sell, 9);
          }
          const handRows = [...byHand.keys()];
          expect(profile.count).toBe(handRows.length === 0 ? 0 : Math.max(...handRows) - Math.min(...handRows) + 1);

          if (profile.count === 0) {
            expect(profile.pocRow).toBe(-1);
            return;
          }
          // On a tie the lowest row is the POC.
          const fullest = Math.max(...Array.from(profile.buy.subarray(0, profile.count), (x, r) => x + profile.sell[r]!));
          expect(profile.pocRow).toBe(Array.from(profile.buy.subarray(0, profile.count), (x, r) => x + profile.sell[r]!).indexOf(fullest));
          // The POC holds the most volume; a row's lower price is its first tick's.
          const totals = Array.from(profile.buy.subarray(0, profile.count), (x, r) => x + profile.sell[r]!);
          expect(totals[profile.pocRow]).toBe(Math.max(...totals));
          expect(rowOf(profile.priceOf(profile.pocRow), step)).toBe(profile.firstRow + profile.pocRow);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts the bars whose footprint is partial (the panel says so)', () => {
    const { cells } = setUp([0, 1, 2].map((bar) => ({ bar, tick: 6_175_000, amount: 1, buy: true })));
    cells.apply({ reset: false, cells: new Float64Array(0), partialBars: new Float64Array([barTimes.time(1)]) });
    const profile = new PriceProfile();
    expect(sumPriceProfile(cells, barTimes, 0, 2, TICK, profile)).toBe(3);
    expect(profile.partialBars).toBe(1);
    sumPriceProfile(cells, barTimes, 2, 2, TICK, profile);
    expect(profile.partialBars).toBe(0);
  });

  it('holds the value area at the setting\'s percent (60 %, 85 %), as a plain reference finds it', () => {
    /**
     * The value area by hand, on plain arrays: from the fullest row (the lowest on a tie), add the
     * fuller neighbour (the upper on a tie) until the area holds `share` of all the volume.
     */
    const reference = (totals: number[], share: number): [number, number] => {
      const all = totals.reduce((a, b) => a + b, 0);
      let poc = 0;
      for (let r = 1; r < totals.length; r++) if (totals[r]! > totals[poc]!) poc = r;
      let [low, high, held] = [poc, poc, totals[poc]!];
      while (held < all * share && (low > 0 || high < totals.length - 1)) {
        const below = low > 0 ? totals[low - 1]! : -1;
        const above = high < totals.length - 1 ? totals[high + 1]! : -1;
        if (above >= below) held += totals[++high]!;
        else held += totals[--low]!;
      }
      return [low, high];
    };
    fc.assert(
      fc.property(fc.array(trade, { minLength: 1, maxLength: 200 }), fc.constantFrom(1, 10, 100), fc.constantFrom(60, 85), (trades, ticksPerRow, percent) => {
        const { cells } = setUp(trades);
        const profile = new PriceProfile();
        sumPriceProfile(cells, barTimes, 0, BARS - 1, TICK * ticksPerRow, profile, percent / 100);
        const totals = Array.from(profile.buy.subarray(0, profile.count), (x, r) => x + profile.sell[r]!);
        const [low, high] = reference(totals, percent / 100);
        expect([profile.valueArea.lowRow, profile.valueArea.highRow]).toEqual([low, high]);
        // It holds the percent of all the volume, its POC inside.
        const all = totals.reduce((a, b) => a + b, 0);
        expect(profile.valueArea.volume).toBeCloseTo(totals.slice(low, high + 1).reduce((a, b) => a + b, 0), 9);
        expect(profile.valueArea.volume).toBeGreaterThanOrEqual((all * percent) / 100 - 1e-9);
        expect(profile.pocRow).toBeGreaterThanOrEqual(low);
        expect(profile.pocRow).toBeLessThanOrEqual(high);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the fixed-range profile', () => {
  const bars = { length: BARS, time: barTimes.time };

  it('fixes the bars whose centre is in view, from the first to the last (none when the view holds no bar)', () => {
    expect(fixedRangeInView({ from: 2.4, to: 7.6 }, bars)).toEqual({ fromTime: barTimes.time(2), toTime: barTimes.time(8) });
    // Past the newest bar (the space right of it) and before the oldest: clamped to the bars held.
    expect(fixedRangeInView({ from: -5, to: BARS + 9 }, bars)).toEqual({ fromTime: barTimes.time(0), toTime: barTimes.time(BARS - 1) });
    expect(fixedRangeInView({ from: BARS + 1, to: BARS + 9 }, bars)).toBeNull();
    expect(fixedRangeInView(null, bars)).toBeNull();
    expect(fixedRangeInView({ from: 0, to: 3 }, { length: 0, time: barTimes.time })).toBeNull();
  });

  it('is read back from the saved view only when it is a range of finite times, else the profile shows the bars in view', () => {
    const range = { fromTime: barTimes.time(1), toTime: barTimes.time(4) };
    expect(parseViewState({ profileMode: 'fixed', profileRange: range })).toMatchObject({ profileMode: 'fixed', profileRange: range });
    for (const bad of [null, 'x', { fromTime: 5, toTime: 4 }, { fromTime: NaN, toTime: 4 }, { fromTime: 1 }, { fromTime: '1', toTime: 2 }, { fromTime: 1, toTime: Infinity }]) {
      expect(parseFixedProfileRange(bad), JSON.stringify(bad)).toBeNull();
      expect(parseViewState({ profileMode: 'fixed', profileRange: bad })).toMatchObject({ profileMode: 'visible', profileRange: null });
    }
    // Kept while another mode shows (choosing "Fixed range" fixes the view anew anyway).
    expect(parseViewState({ profileMode: 'session', profileRange: range })).toMatchObject({ profileMode: 'session', profileRange: range });
  });
});
