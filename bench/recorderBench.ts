/**
 * Recorder throughput: real trade and book events (the spot BTCUSDT capture's 19,904 trades,
 * 6,495 diffs and its snapshot, decoded beforehand and fed four times over with ids and times
 * shifted so each pass is a consistent stream) into the order-flow SQLite recorder, in chunks of
 * 1,000 with the event loop turning between them so the recorder's flush timer runs as it would
 * live. The figure is events per second from the first event to the last row committed (close).
 * Goal >= 50,000 events/s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { binanceRule } from '../src/engine/book/sequenceRule';
import { EventKind, MarketEvent } from '../src/engine/events';
import { readCapture } from '../src/feeds/captureReader';
import { OrderFlowDbRecorder } from '../src/feeds/recorder/orderFlowDbRecorder';

export interface RecorderBenchOptions {
  /** The shared data directory (default `../shared/data` from the working directory). */
  dataDir: string;
  /** Timed runs; the median is returned (a first, untimed run warms up the JIT). */
  runs: number;
  /** Passes over the capture's events per run. */
  passes: number;
}

const SPOT_FILES = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'];
const CHUNK = 1000;

/**
 * The capture's trade and book events, held compactly (one MarketEvent each would hold 2 kB of
 * level arrays, and its garbage-collection cost would be charged to the recorder): fields in
 * columns, levels in one array.
 */
class EventColumns {
  kinds: number[] = [];
  symbols: string[] = [];
  times: number[] = [];
  firstIds: number[] = [];
  finalIds: number[] = [];
  tradeIds: number[] = [];
  prices: number[] = [];
  amounts: number[] = [];
  sides: number[] = [];
  /** Per event: where its bids start in `levels`, how many bids, how many asks. */
  levelStart: number[] = [];
  bidCount: number[] = [];
  askCount: number[] = [];
  levels: number[] = [];

  get count(): number {
    return this.kinds.length;
  }

  add(e: MarketEvent): void {
    this.kinds.push(e.kind);
    this.symbols.push(e.symbol);
    this.times.push(e.time);
    this.firstIds.push(e.firstId);
    this.finalIds.push(e.finalId);
    this.tradeIds.push(e.tradeId);
    this.prices.push(e.price);
    this.amounts.push(e.amount);
    this.sides.push(e.takerSide);
    this.levelStart.push(this.levels.length);
    this.bidCount.push(e.bids.count);
    this.askCount.push(e.asks.count);
    for (const list of [e.bids, e.asks]) for (let i = 0; i < list.count; i++) this.levels.push(list.prices[i]!, list.sizes[i]!);
  }

  /** Event `i` into `out`, ids shifted by `idShift` and times by `timeShift`. */
  read(i: number, idShift: number, timeShift: number, out: MarketEvent): void {
    out.reset(this.kinds[i] as MarketEvent['kind']);
    out.symbol = this.symbols[i]!;
    const time = this.times[i]!;
    out.time = time === time ? time + timeShift : NaN;
    const firstId = this.firstIds[i]!;
    const finalId = this.finalIds[i]!;
    out.firstId = firstId >= 0 ? firstId + idShift : -1;
    out.finalId = finalId >= 0 ? finalId + idShift : -1;
    out.tradeId = this.tradeIds[i]! + idShift;
    out.price = this.prices[i]!;
    out.amount = this.amounts[i]!;
    out.takerSide = this.sides[i] as MarketEvent['takerSide'];
    let at = this.levelStart[i]!;
    for (let k = this.bidCount[i]!; k > 0; k--, at += 2) out.bids.push(this.levels[at]!, this.levels[at + 1]!);
    for (let k = this.askCount[i]!; k > 0; k--, at += 2) out.asks.push(this.levels[at]!, this.levels[at + 1]!);
  }
}

async function loadEvents(paths: readonly string[]): Promise<EventColumns> {
  const events = new EventColumns();
  await readCapture(paths, (e) => {
    if (e.kind === EventKind.Trade || e.kind === EventKind.DepthDiff || e.kind === EventKind.DepthSnapshot) events.add(e);
  });
  return events;
}

/** One run: every pass into a fresh database; returns [events, wall ms]. */
async function recordOnce(events: EventColumns, passes: number, dir: string, run: number): Promise<[number, number]> {
  const problems: string[] = [];
  const recorder = await OrderFlowDbRecorder.open(join(dir, `bench${run}.db`), {
    symbol: 'BTC-USDT',
    sequenceRule: binanceRule,
    onProblem: (message) => problems.push(message),
  });
  const timeSpan = events.times[events.count - 1]! - events.times[0]! + 1000;
  const event = new MarketEvent();
  let fed = 0;
  const start = performance.now();
  for (let pass = 0; pass < passes; pass++) {
    // A later pass is a later, consistent stream: ids and times shifted.
    const idShift = pass * 1_000_000_000;
    for (let i = 0; i < events.count; i++) {
      events.read(i, idShift, pass * timeSpan, event);
      recorder.event(event);
      if (++fed % CHUNK === 0) await turn();
    }
  }
  const stats = await recorder.close();
  const wall = performance.now() - start;
  if (problems.length > 0 || stats.rejected > 0 || stats.tradeRows === 0 || stats.bookRows === 0) {
    throw new Error(`recorder bench: ${problems.join('; ') || JSON.stringify(stats)}`);
  }
  return [fed, wall];
}

/**
 * Events per second the order-flow SQLite recorder sustains on real trade and book events
 * (median of `runs`). Rejects when the capture is missing or the recorder reports a problem.
 */
export async function measureRecorderEventsPerSec(options: Partial<RecorderBenchOptions> = {}): Promise<number> {
  const dataDir = options.dataDir ?? resolve(process.cwd(), '..', 'shared', 'data');
  const runs = options.runs ?? 5;
  const passes = options.passes ?? 4;
  const events = await loadEvents(SPOT_FILES.map((file) => resolve(dataDir, file)));
  const dir = mkdtempSync(join(tmpdir(), 'orderscope-recorder-bench-'));
  try {
    await recordOnce(events, 1, dir, -1);
    const rates: number[] = [];
    for (let r = 0; r < runs; r++) {
      const [fed, wall] = await recordOnce(events, passes, dir, r);
      rates.push(fed / (wall / 1000));
    }
    rates.sort((a, b) => a - b);
    return rates[rates.length >> 1]!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
