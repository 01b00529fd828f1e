/**
 * 1M real trades into a footprint (FootprintBars: typed-array cells, bucket index from the price's
 * tick) against a plain footprint keyed by Maps (bar open time → price tick → {buy, sell}), the
 * way one would first write it. Same trades, same process; both must end with the same cells
 * before anything is timed. Also the memory each holds at the end: the engine's is bounded (older
 * bars lose their cells), the Map's grows with every bar (measured with --expose-gc).
 */
import { barOpenTime } from '../src/engine/candles/timeframe';
import { CELL_BYTES } from '../src/engine/footprint/cellLog';
import { BAR_META_BYTES, CHANGE_LOG_ENTRY_BYTES, DEFAULT_FOOTPRINT_OPTIONS, FootprintBars } from '../src/engine/footprint/footprintBars';
import { medianMs } from './harness';
import { makeTradeStream } from './tradeStream';

export interface FootprintFigures {
  footprintTradesPerSec: number;
  naiveFootprintTradesPerSec: number;
  footprintRatio: number;
  /** Bytes the footprint held at the end (bar metadata + cell pool), MB. */
  footprintMB: number;
  /** The most it may hold with the default options, MB. */
  footprintBudgetMB: number;
  /** Heap the Map footprint held at the end (it keeps every bar), MB. */
  naiveFootprintMB: number;
  bars: number;
  trades: number;
}

/** Spot BTCUSDT's tick. */
const TICK = 0.01;

interface NaiveCell {
  buy: number;
  sell: number;
}

export async function runFootprintBench(count = 1_000_000): Promise<FootprintFigures> {
  const { times, prices, amounts, sides } = makeTradeStream(count);
  // Bar open times up front: the market has them from its candles, and both sides need them alike.
  const barTimes = new Float64Array(count);
  for (let i = 0; i < count; i++) barTimes[i] = barOpenTime(times[i]!, '1m');

  let ours = new FootprintBars(TICK);
  const resetOurs = (): void => {
    ours = new FootprintBars(TICK);
  };
  const ingestOurs = (): void => {
    const fp = ours;
    for (let i = 0; i < count; i++) fp.addTrade(barTimes[i]!, prices[i]!, amounts[i]!, sides[i]!);
  };

  let naive = new Map<number, Map<number, NaiveCell>>();
  const resetNaive = (): void => {
    naive = new Map();
  };
  const ingestNaive = (): void => {
    const bars = naive;
    for (let i = 0; i < count; i++) {
      const t = barTimes[i]!;
      let bar = bars.get(t);
      if (bar === undefined) {
        bar = new Map();
        bars.set(t, bar);
      }
      const tick = Math.round(prices[i]! / TICK);
      let cell = bar.get(tick);
      if (cell === undefined) {
        cell = { buy: 0, sell: 0 };
        bar.set(tick, cell);
      }
      if (sides[i] === 1) cell.buy += amounts[i]!;
      else cell.sell += amounts[i]!;
    }
  };

  resetOurs();
  ingestOurs();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  resetNaive();
  ingestNaive();
  gc?.();
  const naiveFootprintMB = gc ? (process.memoryUsage().heapUsed - heapBefore) / 1e6 : NaN;
  crossCheck(ours, naive, count);

  const medians = await medianMs([
    { name: 'footprint', run: ingestOurs, beforeEach: resetOurs },
    { name: 'naive', run: ingestNaive, beforeEach: resetNaive },
  ]);
  const footprintTradesPerSec = count / (medians.get('footprint')! / 1000);
  const naiveFootprintTradesPerSec = count / (medians.get('naive')! / 1000);
  return {
    footprintTradesPerSec,
    naiveFootprintTradesPerSec,
    footprintRatio: footprintTradesPerSec / naiveFootprintTradesPerSec,
    footprintMB: ours.byteLength / 1e6,
    naiveFootprintMB,
    footprintBudgetMB: (DEFAULT_FOOTPRINT_OPTIONS.bars * BAR_META_BYTES + DEFAULT_FOOTPRINT_OPTIONS.changeLog * CHANGE_LOG_ENTRY_BYTES + DEFAULT_FOOTPRINT_OPTIONS.maxCells * CELL_BYTES) / 1e6,
    bars: ours.count,
    trades: count,
  };
}

/** Throws unless every bar the footprint still holds cells for has the naive footprint's cells. */
function crossCheck(fp: FootprintBars, naive: Map<number, Map<number, NaiveCell>>, count: number): void {
  if (fp.stats.trades !== count) throw new Error(`footprint: ${fp.stats.trades} of ${count} trades taken`);
  let compared = 0;
  for (let pos = 0; pos < fp.count; pos++) {
    const slot = fp.slotAt(pos);
    if (!fp.hasCells(slot)) continue;
    const bar = naive.get(fp.openTimeAt(slot));
    if (!bar) throw new Error(`footprint: bar ${fp.openTimeAt(slot)} missing from the naive footprint`);
    let cells = 0;
    for (let tick = fp.lowTickAt(slot); tick <= fp.highTickAt(slot); tick++) {
      const i = fp.cellIndex(slot, tick);
      const buy = fp.cells.buy(i);
      const sell = fp.cells.sell(i);
      if (buy === 0 && sell === 0) continue;
      const cell = bar.get(tick);
      if (!cell || cell.buy !== buy || cell.sell !== sell) throw new Error(`footprint: bar ${fp.openTimeAt(slot)} tick ${tick} differs from the naive footprint`);
      cells++;
    }
    if (cells !== bar.size) throw new Error(`footprint: bar ${fp.openTimeAt(slot)} has ${cells} cells, the naive one ${bar.size}`);
    compared++;
  }
  if (compared === 0) throw new Error('footprint: no bar compared');
}
