/**
 * The panel's naked points of control against a plain reference, on random bars: a bar's POC
 * row (its cells summed per row at the step, the lowest row on a tie) is naked when no later
 * bar's candle range (low to high) reaches into it; the newest bar and partial footprints have
 * none. Random walks with jumps make later ranges leave gaps, where a running min/max is wrong.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FOOTPRINT_CELL_STRIDE } from '../../src/engine/protocol';
import { FootprintCells } from '../../webview/state/footprintCells';
import { NakedPocs } from '../../webview/state/nakedPocs';
import { SeriesColumns } from '../../webview/state/seriesColumns';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 7, 8);

interface Bar {
  trades: { tick: number; amount: number; buy: boolean }[];
  /** The candle reaches this far beyond its traded range (history merged over it). */
  extendLow: number;
  extendHigh: number;
  partial: boolean;
  /** Bars from before the session have no cells. */
  hasCells: boolean;
}

const barsArb = fc
  .array(
    fc.record({
      jump: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: -40, max: 40 }) }),
      moves: fc.array(fc.record({ move: fc.integer({ min: -3, max: 3 }), amount: fc.integer({ min: 1, max: 8 }), buy: fc.boolean() }), { minLength: 1, maxLength: 12 }),
      extendLow: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }) }),
      extendHigh: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }) }),
      partial: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      hasCells: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    }),
    { minLength: 1, maxLength: 40 },
  )
  .map((raw) => {
    let tick = 1000;
    return raw.map((r): Bar => {
      tick += r.jump;
      const trades = r.moves.map((m) => {
        tick = Math.max(1, tick + m.move);
        return { tick, amount: m.amount / 4, buy: m.buy };
      });
      return { trades, extendLow: r.extendLow, extendHigh: r.extendHigh, partial: r.partial, hasCells: r.hasCells };
    });
  });

/** The reference: every bar against every later one, newest first, as [bar index, row price]. */
function reference(bars: Bar[], step: number): [number, number][] {
  const range = (b: Bar): [number, number] => [Math.min(...b.trades.map((t) => t.tick)) - b.extendLow, Math.max(...b.trades.map((t) => t.tick)) + b.extendHigh];
  const found: [number, number][] = [];
  for (let i = bars.length - 2; i >= 0; i--) {
    const bar = bars[i]!;
    if (!bar.hasCells || bar.partial) continue;
    const rows = new Map<number, number>();
    for (const t of bar.trades) {
      const row = Math.floor(t.tick / step) * step;
      rows.set(row, (rows.get(row) ?? 0) + t.amount);
    }
    const sorted = [...rows.entries()].sort((a, b) => a[0] - b[0]);
    const poc = sorted.reduce((best, row) => (row[1] > best[1] ? row : best))[0];
    const reached = bars.slice(i + 1).some((later) => {
      const [low, high] = range(later);
      return low < poc + step && high >= poc;
    });
    if (!reached) found.push([i, poc]);
  }
  return found;
}

describe('naked points of control in the panel', () => {
  it('are the POC rows no later candle reached, as the reference finds them', () => {
    fc.assert(
      fc.property(barsArb, fc.integer({ min: 1, max: 5 }), (bars, step) => {
        const cells: number[] = [];
        const partial: number[] = [];
        bars.forEach((bar, i) => {
          if (!bar.hasCells) return;
          const perTick = new Map<number, [number, number]>();
          for (const t of bar.trades) {
            const cell = perTick.get(t.tick) ?? [0, 0];
            cell[t.buy ? 0 : 1] += t.amount;
            perTick.set(t.tick, cell);
          }
          for (const [tick, [buy, sell]] of [...perTick.entries()].sort((a, b) => a[0] - b[0])) cells.push(T0 + i * MINUTE, tick, buy, sell);
          if (bar.partial) partial.push(T0 + i * MINUTE);
        });
        const footprint = new FootprintCells();
        footprint.apply({ reset: true, cells: Float64Array.from(cells), partialBars: Float64Array.from(partial) });
        expect(cells.length % FOOTPRINT_CELL_STRIDE).toBe(0);
        const candles = new SeriesColumns(5);
        const ohlcv = bars.map((b) => {
          const ticks = b.trades.map((t) => t.tick);
          return [ticks[0]!, Math.max(...ticks) + b.extendHigh, Math.min(...ticks) - b.extendLow, ticks.at(-1)!, 1];
        });
        candles.write(bars.length, (k) => T0 + k * MINUTE, (k, column) => ohlcv[k]![column]!);
        const naked = new NakedPocs();
        naked.update(footprint, candles, step);
        const got: [number, number][] = [];
        for (let k = 0; k < naked.count; k++) got.push([naked.barIndex[k]!, naked.rowPrice[k]!]);
        expect(got).toEqual(reference(bars, step));
      }),
      { numRuns: 500 },
    );
  });
});
