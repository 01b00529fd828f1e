import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SyncState } from '../../src/engine/book/bookSync';
import { okxRule } from '../../src/engine/book/sequenceRule';
import { EventKind, type MarketEvent } from '../../src/engine/events';
import { Market } from '../../src/engine/market';
import type { FeedSink, FeedStatus, TickerSnapshot } from '../../src/feeds/feed';
import { ReplayFeed } from '../../src/feeds/replay/replayFeed';
import type { ReplayProblem } from '../../src/feeds/replay/replaySource';
import type { LevelRow } from '../fakeExchange/levelBook';
import { okxChecksum } from '../fakeExchange/okxChecksum';

const tempDir = mkdtempSync(join(tmpdir(), 'orderscope-okx-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));
let fileNo = 0;

/** A plain reference book of the exchange's strings, best first, for the expected checksums. */
class ReferenceBook {
  bids = new Map<string, string>();
  asks = new Map<string, string>();
  apply(rows: LevelRow[], side: Map<string, string>): void {
    for (const [px, sz] of rows) {
      if (Number(sz) === 0) side.delete(px);
      else side.set(px, sz);
    }
  }
  rows(side: Map<string, string>, isBid: boolean): LevelRow[] {
    return [...side.entries()].sort((a, b) => (isBid ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0]))).map(([px, sz]) => [px, sz] as LevelRow);
  }
  checksum(): number {
    return okxChecksum(this.rows(this.bids, true), this.rows(this.asks, false));
  }
}

interface BookMessage {
  action: 'snapshot' | 'update';
  bids: LevelRow[];
  asks: LevelRow[];
  ts: number;
  /** Add this to the correct checksum (0: correct). */
  corrupt?: number;
  seq?: [number, number];
}

const T0 = 1_652_459_225_000;

/** A cryptofeed OKX capture of `messages` for BTC-USDT (plus noise for another instrument). */
function writeOkxCapture(messages: (BookMessage | { trade: [string, string, 'buy' | 'sell', number] } | { raw: string })[]): string {
  const lines = [
    'wss://ws.okx.com:8443/ws/v5/public <-> 1652459224.5300605',
    'wss://ws.okx.com:8443/ws/v5/public <- 1652459225.29: {"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}]}',
    '1652459225.5: {"event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"}}',
  ];
  const book = new ReferenceBook();
  let receive = 1652459225.6;
  for (const m of messages) {
    receive += 0.01;
    if ('raw' in m) {
      lines.push(m.raw);
      continue;
    }
    if ('trade' in m) {
      const [px, sz, side, ts] = m.trade;
      lines.push(`${receive}: ${JSON.stringify({ arg: { channel: 'trades', instId: 'BTC-USDT' }, data: [{ instId: 'BTC-USDT', tradeId: '42', px, sz, side, ts: String(ts) }] })}`);
      continue;
    }
    if (m.action === 'snapshot') {
      book.bids.clear();
      book.asks.clear();
    }
    book.apply(m.bids, book.bids);
    book.apply(m.asks, book.asks);
    const item: Record<string, unknown> = { asks: m.asks.map((r) => [...r, '0', '1']), bids: m.bids.map((r) => [...r, '0', '1']), ts: String(m.ts), checksum: book.checksum() + (m.corrupt ?? 0) };
    if (m.seq) [item.prevSeqId, item.seqId] = m.seq;
    lines.push(`${receive}: ${JSON.stringify({ arg: { channel: 'books', instId: 'BTC-USDT' }, action: m.action, data: [item] })}`);
    // Another instrument's message between: skipped.
    lines.push(`${receive}: {"arg":{"channel":"books","instId":"ETH-USDT"},"action":"update","data":[{"asks":[],"bids":[],"ts":"${m.ts}","checksum":0}]}`);
  }
  const path = join(tempDir, `OKX.ws.${++fileNo}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

class MarketSink implements FeedSink {
  readonly market = new Market({ sequenceRule: okxRule, tickSize: 0.1 });
  readonly resyncs: string[] = [];
  readonly statuses: FeedStatus[] = [];
  readonly tickers: TickerSnapshot[] = [];
  readonly kinds: number[] = [];
  event(event: MarketEvent): void {
    this.kinds.push(event.kind);
    this.market.onEvent(event);
  }
  mirrorBook(): void {}
  bookResync(reason: string): void {
    this.resyncs.push(reason);
    this.market.requestResync(reason);
  }
  history(): void {}
  ticker(ticker: TickerSnapshot): void {
    this.tickers.push(ticker);
  }
  status(status: FeedStatus): void {
    this.statuses.push(status);
  }
}

async function play(path: string) {
  const problems: ReplayProblem[] = [];
  const feed = new ReplayFeed(path, { speed: Infinity, onProblem: (p) => problems.push(p) });
  const facts = await feed.open({ exchange: '', symbol: 'BTC/USDT', timeframe: '1m', historyBars: 0 });
  const sink = new MarketSink();
  feed.start(sink);
  await feed.finished;
  return { feed, facts, sink, problems };
}

const snapshot: BookMessage = {
  action: 'snapshot',
  bids: [
    ['100.0', '1'],
    ['99.5', '2'],
  ],
  asks: [
    ['100.5', '3'],
    ['101.0', '4'],
  ],
  ts: T0,
};

describe('replaying a cryptofeed OKX capture', () => {
  it('rebuilds the book from snapshot + updates, verifying every checksum, and times on ts', async () => {
    const path = writeOkxCapture([
      snapshot,
      { action: 'update', bids: [['99.8', '5']], asks: [], ts: T0 + 100 },
      { trade: ['100.5', '0.25', 'buy', T0 + 150] },
      { action: 'update', bids: [['100.0', '0']], asks: [['100.5', '1.50']], ts: T0 + 200 },
    ]);
    const { feed, facts, sink, problems } = await play(path);
    expect(problems).toEqual([]);
    expect(facts).toMatchObject({ exchange: 'okx', tickSize: 0.1, pricePrecision: 1 });
    expect(feed.format).toBe('okx-cryptofeed');
    expect(feed.sequenceRule).toBe(okxRule);
    expect(sink.kinds).toEqual([EventKind.DepthSnapshot, EventKind.DepthDiff, EventKind.Trade, EventKind.DepthDiff]);
    const market = sink.market;
    expect(market.bookState()).toBe(SyncState.Live);
    expect(market.sync.stats).toMatchObject({ applied: 2, gaps: 0 });
    expect([market.book.bestBid(), market.book.bestAsk()]).toEqual([99.8, 100.5]);
    expect(market.tape.total).toBe(1);
    expect(sink.resyncs).toEqual([]);
    expect(feed.progress().marketTime).toBe(T0 + 200);
  });

  it('a checksum mismatch resyncs the book, names file and line, and checks resume after the next snapshot', async () => {
    const path = writeOkxCapture([
      snapshot,
      { action: 'update', bids: [['99.8', '5']], asks: [], ts: T0 + 100, corrupt: 1 },
      { action: 'update', bids: [['99.7', '5']], asks: [], ts: T0 + 200, corrupt: 7 }, // not checked: already resyncing
      { ...snapshot, ts: T0 + 300 },
      { action: 'update', bids: [['99.9', '1']], asks: [], ts: T0 + 400 },
    ]);
    const { sink, problems } = await play(path);
    expect(sink.resyncs).toHaveLength(1);
    expect(sink.resyncs[0]).toMatch(/OKX checksum mismatch for BTC-USDT: the message says -?\d+, the rebuilt book gives -?\d+/);
    // Line 6: three header lines, the snapshot, the other instrument, then the update.
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(new RegExp(`^${path}:6: OKX checksum mismatch`))]);
    expect(sink.market.bookState()).toBe(SyncState.Live);
    expect(sink.market.book.bestBid()).toBe(100);
    expect(sink.market.sync.stats.snapshots).toBe(2);
  });

  it('uses seqId / prevSeqId when the capture has them, so a real gap shows as one', async () => {
    const path = writeOkxCapture([
      { ...snapshot, seq: [-1, 10] },
      { action: 'update', bids: [['99.8', '5']], asks: [], ts: T0 + 100, seq: [10, 11] },
      { action: 'update', bids: [['99.7', '5']], asks: [], ts: T0 + 200, seq: [12, 13] }, // 12 is missing
    ]);
    const { sink } = await play(path);
    expect(sink.market.sync.stats).toMatchObject({ applied: 1, gaps: 1 });
    expect(sink.market.bookState()).toBe(SyncState.NeedsResync);
  });

  it('bad lines are reported with file:line and skipped; tickers reach the sink', async () => {
    const ticker = `1652459226: {"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","last":"30100","open24h":"30000","high24h":"30500","low24h":"29000","vol24h":"1234.5","ts":"${T0 + 50}"}]}`;
    const path = writeOkxCapture([
      snapshot,
      { raw: '1652459226: {not json' },
      { raw: '1652459226: {"arg":{"channel":"candle1m","instId":"BTC-USDT"},"data":[]}' },
      { raw: `1652459226: {"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"px":"abc","sz":"1","side":"buy","ts":"${T0}"}]}` },
      { raw: '1652459226: {"event":"error","msg":"Invalid request","code":"60012"}' },
      { raw: ticker },
      { raw: 'garbage line' },
      { trade: ['100.5', '1', 'sell', T0 + 60] },
    ]);
    const { sink, problems } = await play(path);
    const where = (line: number) => `${path}:${line}: `;
    expect(problems.map((p) => p.message)).toEqual([
      `${where(6)}invalid JSON`,
      `${where(7)}unknown OKX channel "candle1m" skipped`,
      `${where(8)}bad trade (px "abc", sz "1", side "buy")`,
      `${where(9)}the exchange reported an error: "Invalid request"`,
      `${where(11)}not a cryptofeed line "<ts>: <json>" (starts "garbage line")`,
    ]);
    expect(sink.tickers).toEqual([
      { symbol: 'BTC-USDT', last: 30100, open24h: 30000, high24h: 30500, low24h: 29000, volume24h: 1234.5, changePercent24h: (100 / 30000) * 100, time: T0 + 50 },
    ]);
    expect(sink.market.tape.total).toBe(1);
  });

  it('an update without any snapshot is reported at the end; another exchange or market is refused at open', async () => {
    const path = writeOkxCapture([{ action: 'update', bids: [['99.8', '5']], asks: [], ts: T0 + 100 }]);
    const { problems } = await play(path);
    expect(problems.map((p) => p.reason)).toEqual(['no depth snapshot']);

    const other = join(tempDir, 'BINANCE.ws.1.0');
    writeFileSync(other, '1609459200.1: {"stream":"btcusdt@trade","data":{"e":"trade"}}\n');
    await expect(new ReplayFeed(other).open({ exchange: '', symbol: 'BTC/USDT', timeframe: '1m', historyBars: 0 })).rejects.toThrow(
      /BINANCE\.ws\.1\.0: line 1 is not an OKX message \(only OKX cryptofeed captures are supported\)/,
    );
    await expect(new ReplayFeed(writeOkxCapture([snapshot])).open({ exchange: '', symbol: 'SOL/USDT', timeframe: '1m', historyBars: 0 })).rejects.toThrow(
      /no market "SOL\/USDT" in this capture \(it holds BTC-USDT, ETH-USDT\)/,
    );
  });
});
