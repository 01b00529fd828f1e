/**
 * 1M level updates: the engine's OrderBook against ccxt's own OrderBook (the class every ccxt
 * exchange keeps its book in), same stream, same process. Also measures heap growth over 1M
 * updates after warm-up (the engine must not allocate per event).
 */
import ccxt from 'ccxt';
import { OrderBook } from '../src/engine/book/orderBook';
import { medianMs } from './harness';
import { makeLevelUpdates } from './levelUpdates';

export interface BookApplyFigures {
  applyPerSec: number;
  ccxtApplyPerSec: number;
  applyRatio: number;
  heapGrowthMB: number;
  updates: number;
  trims: number;
}

interface CcxtSide {
  store(price: number, size: number): void;
  length: number;
  [index: number]: [number, number];
}
interface CcxtBook {
  bids: CcxtSide;
  asks: CcxtSide;
}

export async function runBookApplyBench(drawn = 1_000_000): Promise<BookApplyFigures> {
  const stream = makeLevelUpdates(drawn);
  const { isBid, prices, sizes, count } = stream;
  const exchange = new ccxt.pro.binance();

  let ours = new OrderBook(2048);
  let theirs = exchange.orderBook({}) as unknown as CcxtBook;
  const resetOurs = (): void => {
    ours = new OrderBook(2048);
    for (const [p, s] of stream.initialBids) ours.applyLevel(true, p, s);
    for (const [p, s] of stream.initialAsks) ours.applyLevel(false, p, s);
  };
  const resetTheirs = (): void => {
    theirs = exchange.orderBook({}) as unknown as CcxtBook;
    for (const [p, s] of stream.initialBids) theirs.bids.store(p, s);
    for (const [p, s] of stream.initialAsks) theirs.asks.store(p, s);
  };
  const applyOurs = (): void => {
    const book = ours;
    for (let i = 0; i < count; i++) book.applyLevel(isBid[i] === 1, prices[i]!, sizes[i]!);
  };
  const applyTheirs = (): void => {
    const book = theirs;
    for (let i = 0; i < count; i++) (isBid[i] === 1 ? book.bids : book.asks).store(prices[i]!, sizes[i]!);
  };

  // Both must end with the same book, or the comparison is meaningless.
  resetOurs();
  resetTheirs();
  applyOurs();
  applyTheirs();
  for (const isBidSide of [true, false]) {
    const side = ours.side(isBidSide);
    const other = isBidSide ? theirs.bids : theirs.asks;
    if (side.count !== other.length) throw new Error(`book mismatch: ${side.count} vs ccxt ${other.length} levels`);
    for (let r = 0; r < side.count; r++) {
      const row = other[r]!;
      if (row[0] !== side.prices[side.count - 1 - r] || row[1] !== side.sizes[side.count - 1 - r]) throw new Error(`book mismatch at row ${r}`);
    }
  }

  const times = await medianMs([
    { name: 'orderscope', run: applyOurs, beforeEach: resetOurs },
    { name: 'ccxt', run: applyTheirs, beforeEach: resetTheirs },
  ]);
  const applyPerSec = count / (times.get('orderscope')! / 1000);
  const ccxtApplyPerSec = count / (times.get('ccxt')! / 1000);

  // Heap growth: warm up (capacity reached), then 1M more updates on the same book.
  resetOurs();
  applyOurs();
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the benchmark with node --expose-gc');
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  applyOurs();
  const after = process.memoryUsage().heapUsed; // no gc: measures what was allocated and kept
  gc();
  return {
    applyPerSec,
    ccxtApplyPerSec,
    applyRatio: applyPerSec / ccxtApplyPerSec,
    heapGrowthMB: Math.max(0, after - before) / (1024 * 1024),
    updates: count,
    trims: stream.trims,
  };
}
