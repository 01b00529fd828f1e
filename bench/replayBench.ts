/**
 * Replay speed: the spot BTCUSDT capture (0808 + 0809, about 11 minutes of market time, 99,574
 * events) replayed at maximum speed through the ReplayFeed (gzip, decode, pacing, slices) into an
 * engine Market with book, candles and EMA 21, RSI 14, MACD and Bollinger. The figure is the
 * speedup over real time: market time span / wall time (goal >= 500x).
 */
import { resolve } from 'node:path';
import { Market } from '../src/engine/market';
import type { FeedSink } from '../src/feeds/feed';
import { ReplayFeed } from '../src/feeds/replay/replayFeed';

export interface ReplaySpeedupOptions {
  /** The shared data directory (default `../shared/data` from the working directory). */
  dataDir: string;
  /** Timed runs; the median is returned (a first, untimed run warms up the JIT). */
  runs: number;
}

const SPOT_FILES = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'];

/** One replay at maximum speed; returns [market span ms, wall ms, events]. */
async function replayOnce(paths: readonly string[]): Promise<[number, number, number]> {
  const problems: string[] = [];
  const feed = new ReplayFeed(paths, { speed: Infinity, onProblem: (p) => problems.push(p.message) });
  const target = { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m', historyBars: 0 };
  const facts = await feed.open(target);
  const market = new Market({
    symbol: facts.symbol,
    tickSize: facts.tickSize,
    sequenceRule: feed.sequenceRule,
    timeframe: '1m',
    indicators: [{ kind: 'ema', period: 21 }, { kind: 'rsi', period: 14 }, { kind: 'macd' }, { kind: 'bollinger' }],
  });
  let first = NaN;
  const sink: FeedSink = {
    event: (event) => {
      if (first !== first && event.time === event.time) first = event.time;
      market.onEvent(event);
    },
    mirrorBook: (bids, asks) => market.mirrorBook(bids, asks),
    bookResync: (reason) => market.requestResync(reason),
    history: (_timeframe, rows) => market.mergeHistoryRows(rows),
    ticker: () => {},
    status: () => {},
  };
  const start = performance.now();
  feed.start(sink);
  await feed.finished;
  market.settle();
  const wall = performance.now() - start;
  await feed.close();
  if (problems.length > 0) throw new Error(`replay bench: the capture had problems: ${problems.join('; ')}`);
  if (market.sync.stats.applied === 0 || market.candles.count === 0) throw new Error('replay bench: nothing reached the engine');
  return [feed.progress().marketTime - first, wall, market.stats.byKind.events];
}

/**
 * Speedup of a maximum-speed replay over real time (market span / wall time), median of `runs`.
 * Rejects when the capture is missing or the replay reports a problem.
 */
export async function measureReplaySpeedup(options: Partial<ReplaySpeedupOptions> = {}): Promise<number> {
  const dataDir = options.dataDir ?? resolve(process.cwd(), '..', 'shared', 'data');
  const runs = options.runs ?? 5;
  const paths = SPOT_FILES.map((file) => resolve(dataDir, file));
  await replayOnce(paths);
  const speedups: number[] = [];
  for (let r = 0; r < runs; r++) {
    const [span, wall] = await replayOnce(paths);
    speedups.push(span / wall);
  }
  speedups.sort((a, b) => a - b);
  return speedups[speedups.length >> 1]!;
}
