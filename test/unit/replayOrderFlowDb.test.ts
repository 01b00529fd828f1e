import { mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Database } from 'node-sqlite3-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { SyncState } from '../../src/engine/book/bookSync';
import { EventKind, MarketEvent, TakerSide } from '../../src/engine/events';
import { Market } from '../../src/engine/market';
import type { FeedSink, FeedStatus } from '../../src/feeds/feed';
import { OrderFlowDbRecorder } from '../../src/feeds/recorder/orderFlowDbRecorder';
import { ORDER_FLOW_SCHEMA_SQL } from '../../src/feeds/recorder/orderFlowSchema';
import { MarketRefusals } from '../../src/feeds/replay/engineRefusals';
import { ReplayFeed } from '../../src/feeds/replay/replayFeed';
import { ReplayOpenError, type ReplayProblem } from '../../src/feeds/replay/replaySource';
import { setSnapshot, setTrade } from '../support/marketEvents';

const tempDir = mkdtempSync(join(tmpdir(), 'orderscope-dbreplay-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));
let fileNo = 0;
const tempPath = (): string => join(tempDir, `flow${++fileNo}.db`);

const T0 = Date.UTC(2024, 7, 8, 23, 54, 16);

/** Python's `str(datetime)` of a naive UTC time, as the order-flow tool writes it. */
function pythonTime(ms: number): string {
  const iso = new Date(Math.floor(ms)).toISOString(); // 2024-08-08T23:54:16.123Z
  const micros = String(Math.round((ms % 1000) * 1000)).padStart(6, '0');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${micros}`;
}

/** Python's repr of OKX level rows: floats and quoted strings. */
function pythonLevels(rows: [number, number][]): string {
  return `[${rows.map(([p, s]) => `[${p.toFixed(1)}, ${s}, '0', '${Math.round(s) + 1}']`).join(', ')}]`;
}

interface Played {
  kind: number;
  time: number;
  id: number;
  price: number;
  amount: number;
  side: number;
  bids: number[];
  asks: number[];
}

class CollectingSink implements FeedSink {
  readonly played: Played[] = [];
  readonly statuses: FeedStatus[] = [];
  readonly market = new Market({ tickSize: 0.1 });
  event(e: MarketEvent): void {
    this.market.onEvent(e);
    this.played.push({
      kind: e.kind,
      time: e.time,
      id: e.kind === EventKind.Trade ? e.tradeId : e.finalId,
      price: e.price,
      amount: e.amount,
      side: e.takerSide,
      bids: Array.from(e.bids.prices.subarray(0, e.bids.count)),
      asks: Array.from(e.asks.prices.subarray(0, e.asks.count)),
    });
  }
  mirrorBook(): void {}
  bookResync(): void {}
  history(): void {}
  ticker(): void {}
  status(status: FeedStatus): void {
    this.statuses.push(status);
  }
}

async function play(path: string, symbol = 'BTC/USDT') {
  const problems: ReplayProblem[] = [];
  const sink = new CollectingSink();
  const feed = new ReplayFeed(path, { speed: Infinity, onProblem: (p) => problems.push(p), refusals: new MarketRefusals(() => sink.market) });
  const facts = await feed.open({ exchange: '', symbol, timeframe: '1m', historyBars: 0 });
  feed.start(sink);
  await feed.finished;
  return { feed, facts, sink, problems };
}

function createDb(path: string): Database {
  const db = new Database(path);
  db.exec(ORDER_FLOW_SCHEMA_SQL);
  return db;
}

describe('replaying an order-flow database', () => {
  it('merges book snapshots and trades by time: the trades of each book window follow its snapshot', async () => {
    const gaps = fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 25 });
    await fc.assert(
      fc.asyncProperty(gaps, gaps, async (bookGaps, tradeGaps) => {
        const path = tempPath();
        const db = createDb(path);
        const expected: { kind: number; time: number; id: number }[] = [];
        let t = T0;
        bookGaps.forEach((gap, i) => {
          t += gap;
          db.run('INSERT INTO book(id, instrument, bids, asks, timestamp) VALUES (?, ?, ?, ?, ?)', [
            i + 1,
            'BTC-USDT',
            pythonLevels([
              [30000 - i, 1],
              [29999 - i, 2.5],
            ]),
            pythonLevels([[30001 + i, 0.5]]),
            pythonTime(t),
          ]);
          expected.push({ kind: EventKind.DepthSnapshot, time: t, id: i + 1 });
        });
        t = T0;
        tradeGaps.forEach((gap, i) => {
          t += gap;
          db.run('INSERT INTO trades(instrument, trade_id, price, size, side, timestamp) VALUES (?, ?, ?, ?, ?, ?)', [
            'BTC-USDT',
            String(1000 + i),
            30000.5,
            0.25,
            i % 2 === 0 ? 'buy' : 'sell',
            pythonTime(t),
          ]);
          expected.push({ kind: EventKind.Trade, time: t, id: 1000 + i });
        });
        db.close();
        // Reference: a stable sort by time, a snapshot before a trade of the same time.
        expected.sort((a, b) => a.time - b.time || (a.kind === EventKind.DepthSnapshot ? -1 : 0) - (b.kind === EventKind.DepthSnapshot ? -1 : 0));
        const { sink, problems } = await play(path);
        expect(problems).toEqual([]);
        expect(sink.played.map((p) => ({ kind: p.kind, time: p.time, id: p.id }))).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  });

  it('reads the Python-literal levels as snapshots the engine takes, and trades with their side', async () => {
    const path = tempPath();
    const db = createDb(path);
    db.run('INSERT INTO book(instrument, bids, asks, timestamp) VALUES (?, ?, ?, ?)', [
      'BTC-USDT',
      "[[30000.1, 1.5, '0', '3'], [29999.9, 2.0, '0', '1']]",
      '[["30000.2", "0.75", "0", "2"]]',
      '2024-08-08T23:54:16.000Z',
    ]);
    // Asks stored worst-first: sorted on read.
    db.run('INSERT INTO book(instrument, bids, asks, timestamp) VALUES (?, ?, ?, ?)', ['BTC-USDT', '[[30000.1, 1.5]]', '[[30000.5, 1], [30000.3, 2]]', '2024-08-08T23:54:17.000Z']);
    db.run('INSERT INTO trades(instrument, trade_id, price, size, side, timestamp) VALUES (?, ?, ?, ?, ?, ?)', ['BTC-USDT', '77', 30000.2, 0.5, 'buy', '2024-08-08 23:54:16.500']);
    db.run('INSERT INTO trades(instrument, trade_id, price, size, side, timestamp) VALUES (?, ?, ?, ?, ?, ?)', ['BTC-USDT', null, 30000.1, 0.25, 'SELL', 1723161256.75]);
    db.close();
    const { sink, problems, facts, feed } = await play(path);
    expect(problems).toEqual([]);
    expect(feed.format).toBe('order-flow-db');
    expect(facts).toMatchObject({ exchange: 'okx', symbol: 'BTC/USDT', tickSize: 0.1 });
    expect(sink.played.map((p) => [p.kind, p.id, p.bids, p.asks])).toEqual([
      [EventKind.DepthSnapshot, 1, [30000.1, 29999.9], [30000.2]],
      [EventKind.Trade, 77, [], []],
      [EventKind.Trade, -1, [], []],
      [EventKind.DepthSnapshot, 2, [30000.1], [30000.3, 30000.5]],
    ]);
    expect(sink.played.filter((p) => p.kind === EventKind.Trade).map((p) => p.side)).toEqual([TakerSide.Buy, TakerSide.Sell]);
    expect(sink.market.bookState()).toBe(SyncState.Bridging);
    expect(sink.market.book.bestAsk()).toBe(30000.3);
    expect(sink.market.stats.rejected + sink.market.sync.stats.snapshotsRejected).toBe(0);
  });

  it('plays back what the recorder wrote: every trade identical, every book row as a snapshot', async () => {
    const path = tempPath();
    const recorder = await OrderFlowDbRecorder.open(path, { symbol: 'BTC-USDT', bookDepth: 3, bookIntervalMs: 100 });
    const e = setSnapshot(new MarketEvent(), { finalId: 1, time: T0, bids: [[100.5, 1], [100.25, 2]], asks: [[101.125, 3]] });
    recorder.event(e);
    const trades: [number, number, number, number, TakerSide][] = [];
    for (let i = 0; i < 500; i++) {
      const time = T0 + i * 37;
      e.reset(EventKind.DepthDiff);
      e.symbol = 'BTCUSDT';
      e.time = time;
      e.firstId = i + 2;
      e.finalId = i + 2;
      e.bids.push(100 - (i % 10) / 8, (i % 4) + 0.5);
      recorder.event(e);
      setTrade(e, { symbol: 'BTCUSDT', time: time + 1, tradeId: 5_000_000_000 + i, price: 100.5 + (i % 3) * 0.1, amount: 0.001 * (i + 1), takerSide: i % 3 === 0 ? TakerSide.Sell : TakerSide.Buy });
      trades.push([e.time, e.tradeId, e.price, e.amount, e.takerSide]);
      recorder.event(e);
    }
    const stats = await recorder.close();
    const { sink, problems } = await play(path);
    expect(problems).toEqual([]);
    const played = sink.played.filter((p) => p.kind === EventKind.Trade).map((p) => [p.time, p.id, p.price, p.amount, p.side]);
    expect(played).toEqual(trades);
    expect(sink.played.filter((p) => p.kind === EventKind.DepthSnapshot)).toHaveLength(stats.bookRows);
    // 500 diffs 37 ms apart span 185 windows of 100 ms.
    expect(stats.bookRows).toBeGreaterThan(150);
    for (const p of sink.played) if (p.kind === EventKind.DepthSnapshot) expect(p.bids.length).toBeLessThanOrEqual(3);
  });

  it('plays the market asked for from a database holding several', async () => {
    const path = tempPath();
    const db = createDb(path);
    for (const [instrument, price] of [
      ['BTC-USDT', 30000],
      ['ETH-USDT', 2000],
      ['BTC-USDT', 30001],
    ] as const) {
      db.run('INSERT INTO trades(instrument, trade_id, price, size, side, timestamp) VALUES (?, ?, ?, ?, ?, ?)', [instrument, '1', price, 1, 'buy', '2024-08-08T23:54:16Z']);
    }
    db.close();
    expect((await play(path, 'ETH/USDT')).sink.played.map((p) => p.price)).toEqual([2000]);
    expect((await play(path, 'BTC/USDT')).sink.played.map((p) => p.price)).toEqual([30000, 30001]);
    await expect(new ReplayFeed(path).open({ exchange: '', symbol: 'SOL/USDT', timeframe: '1m', historyBars: 0 })).rejects.toThrow(
      /no market "SOL\/USDT" in this database \(it holds (BTC-USDT, ETH-USDT|ETH-USDT, BTC-USDT)\)/,
    );
  });
});

describe('bad databases', () => {
  it('bad rows are reported with file and row id, and skipped', async () => {
    const path = tempPath();
    const db = createDb(path);
    db.run('INSERT INTO book(id, instrument, bids, asks, timestamp) VALUES (1, ?, ?, ?, ?)', ['BTC-USDT', '[[1.0, 2.0]]', '[[2.0, 1.0]]', 'yesterday']);
    db.run('INSERT INTO book(id, instrument, bids, asks, timestamp) VALUES (2, ?, ?, ?, ?)', ['BTC-USDT', '[[1.0, x]]', '[[2.0, 1.0]]', '2024-08-08T23:54:16Z']);
    db.run('INSERT INTO book(id, instrument, bids, asks, timestamp) VALUES (3, ?, ?, ?, ?)', ['BTC-USDT', '[[1.0, 2.0]]', '[[2.0, 1.0]]', '2024-08-08T23:54:17Z']);
    db.run('INSERT INTO trades(id, instrument, trade_id, price, size, side, timestamp) VALUES (9, ?, ?, ?, ?, ?, ?)', ['BTC-USDT', '1', 1.5, 1, 'up', '2024-08-08T23:54:18Z']);
    db.run('INSERT INTO trades(id, instrument, trade_id, price, size, side, timestamp) VALUES (10, ?, ?, ?, ?, ?, ?)', ['BTC-USDT', '2', -1.5, 1, 'buy', '2024-08-08T23:54:18Z']);
    db.run('INSERT INTO trades(id, instrument, trade_id, price, size, side, timestamp) VALUES (11, ?, ?, ?, ?, ?, ?)', ['BTC-USDT', '3', 1.5, 1, 'buy', '2024-08-08T23:54:18Z']);
    db.close();
    const { sink, problems } = await play(path);
    expect(problems.map((p) => p.message)).toEqual([
      `${path}: book row id 1: timestamp "yesterday" is not ISO-8601 or an epoch number`,
      `${path}: book row id 2: bids is not a level list: price or size is not a number at character 10`,
      `${path}: trades row id 9: side "up" is not buy or sell`,
      `${path}: trades row id 10: price -1.5 or size 1 is not a usable number`,
    ]);
    expect(sink.played.map((p) => [p.kind, p.id])).toEqual([
      [EventKind.DepthSnapshot, 3],
      [EventKind.Trade, 3],
    ]);
  });

  it('rows the engine refuses (a crossed book, a trade stamped an hour ahead) are reported with their row id, and the replay goes on', async () => {
    const path = tempPath();
    const db = createDb(path);
    const book = (id: number, bids: string, asks: string, time: string) =>
      db.run('INSERT INTO book(id, instrument, bids, asks, timestamp) VALUES (?, ?, ?, ?, ?)', [id, 'BTC-USDT', bids, asks, time]);
    book(1, '[[1.0, 2.0]]', '[[2.0, 1.0]]', '2024-08-08T23:54:16Z');
    book(2, '[[3.0, 2.0]]', '[[2.0, 1.0]]', '2024-08-08T23:54:17Z'); // crossed
    book(3, '[[1.5, 2.0]]', '[[2.0, 1.0]]', '2024-08-08T23:54:19Z');
    const trade = (id: number, time: string) =>
      db.run('INSERT INTO trades(id, instrument, trade_id, price, size, side, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)', [id, 'BTC-USDT', String(id), 1.5, 1, 'buy', time]);
    trade(7, '2024-08-08T23:54:18Z');
    trade(8, '2024-08-09T00:54:18Z'); // an hour ahead of the others
    trade(9, '2024-08-08T23:54:20Z');
    db.close();
    const { sink, problems } = await play(path);
    const messages = problems.map((p) => p.message);
    expect(messages).toContain(`${path}: book row id 2: the book refused this snapshot (empty, unsorted, crossed or with bad numbers)`);
    expect(messages).toContain(`${path}: trades row id 8: the engine refused this trade: its time is more than 5 min ahead of the market clock`);
    expect(messages.filter((m) => m.includes('engine refused') || m.includes('book refused'))).toHaveLength(2);
    expect(sink.market.book.bestBid()).toBe(1.5);
    expect(sink.market.stats.byKind.trades).toBe(3);
  });

  it('a database of another schema is refused at open, naming the file and what is missing', async () => {
    const path = tempPath();
    const db = new Database(path);
    db.exec('CREATE TABLE candles(t INTEGER, o REAL); CREATE TABLE book(id INTEGER PRIMARY KEY, instrument TEXT, bids TEXT, asks TEXT, timestamp TEXT)');
    db.close();
    const opening = new ReplayFeed(path).open({ exchange: '', symbol: 'BTC/USDT', timeframe: '1m', historyBars: 0 });
    await expect(opening).rejects.toThrow(ReplayOpenError);
    await expect(opening).rejects.toThrow(`${path}: not an order-flow recording: no "trades" table (tables: book, candles)`);
  });

  it('a file with an SQLite header and garbage after it is refused at open, naming the file', async () => {
    const path = tempPath();
    writeFileSync(path, Buffer.concat([Buffer.from('SQLite format 3\u0000'), Buffer.alloc(4096, 0xab)]));
    await expect(new ReplayFeed(path).open({ exchange: '', symbol: '', timeframe: '1m', historyBars: 0 })).rejects.toThrow(
      new RegExp(`^${path}: cannot (open|read) this database`),
    );
  });

  it('corrupt pages: the rows before the damage play, the damage is reported, nothing throws', async () => {
    const path = tempPath();
    const db = createDb(path);
    db.exec('BEGIN');
    for (let i = 1; i <= 20_000; i++) {
      db.run('INSERT INTO trades(id, instrument, trade_id, price, size, side, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        i,
        'BTC-USDT',
        String(i),
        30000 + (i % 100) / 10,
        0.5,
        'buy',
        new Date(T0 + i).toISOString(),
      ]);
    }
    db.run('INSERT INTO book(instrument, bids, asks, timestamp) VALUES (?, ?, ?, ?)', ['BTC-USDT', '[[1.0, 2.0]]', '[[2.0, 1.0]]', new Date(T0).toISOString()]);
    db.exec('COMMIT');
    const pageSize = Number((db.get('PRAGMA page_size') as { page_size: number }).page_size);
    db.close();
    // Overwrite one page about 60% into the file (a leaf of the trades table) with garbage.
    const pages = statSync(path).size / pageSize;
    const page = Math.floor(pages * 0.6);
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xff), 0, pageSize, page * pageSize);
    closeSync(fd);

    const { sink, problems } = await play(path);
    const trades = sink.played.filter((p) => p.kind === EventKind.Trade);
    expect(trades.length).toBeGreaterThan(5000);
    expect(trades.length).toBeLessThan(20_000);
    expect(trades.map((p) => p.id)).toEqual(Array.from({ length: trades.length }, (_, i) => i + 1));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(
      new RegExp(`^${path}: table "trades" unreadable after row id ${trades.length} \\(.*malformed.*\\); the rest of it is skipped$`),
    );
    // The book table is intact and played.
    expect(sink.played.filter((p) => p.kind === EventKind.DepthSnapshot)).toHaveLength(1);
    expect(sink.statuses[sink.statuses.length - 1]!.state).toBe('error');
  });
});
