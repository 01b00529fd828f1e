import { spawn } from 'node:child_process';
import fs, { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import fc from 'fast-check';
import { Database } from 'node-sqlite3-wasm';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { binanceSpotRule } from '../../src/engine/book/sequenceRule';
import { EventKind, LevelList, MarketEvent, TakerSide } from '../../src/engine/events';
import { CaptureFileError, CaptureReader } from '../../src/feeds/captureReader';
import { LevelTextParser, LevelTextWriter } from '../../src/feeds/recorder/orderFlowLevels';
import { decimalText } from '../../src/feeds/wire/decimalText';
import { OrderFlowDbRecorder } from '../../src/feeds/recorder/orderFlowDbRecorder';
import { formatOrderFlowTime, MAX_ORDER_FLOW_TIME_MS, parseOrderFlowTime } from '../../src/feeds/recorder/orderFlowTime';
import { openRecorder } from '../../src/feeds/recorder/openRecorder';
import { RecorderError } from '../../src/feeds/recorder/recorder';
import { ReplayFeed } from '../../src/feeds/replay/replayFeed';
import { setSnapshot, setTrade, tradeEvent } from '../support/marketEvents';
import type { ReplayProblem } from '../../src/feeds/replay/replaySource';

const REPO = resolve(__dirname, '..', '..');
const realStatfs = fs.statfsSync.bind(fs);
const tempDir = mkdtempSync(join(tmpdir(), 'orderscope-orderflow-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));
let fileNo = 0;
const tempPath = (ext: string): string => join(tempDir, `db${++fileNo}${ext}`);

function query(path: string, sql: string): Record<string, unknown>[] {
  const db = new Database(path, { readOnly: true });
  try {
    return db.all(sql) as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

describe('order-flow timestamps', () => {
  it('writes ISO-8601 UTC with milliseconds and reads it back exactly', () => {
    expect(formatOrderFlowTime(1723161255342)).toBe('2024-08-08T23:54:15.342Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_ORDER_FLOW_TIME_MS }), (ms) => {
        expect(parseOrderFlowTime(formatOrderFlowTime(ms))).toBe(ms);
      }),
    );
  });

  it('reads the forms other writers use, and refuses anything else', () => {
    const t = Date.UTC(2024, 7, 8, 23, 54, 15, 342);
    const forms: [unknown, number][] = [
      ['2024-08-08T23:54:15.342Z', t],
      ['2024-08-08 23:54:15.342', t], // Python str(datetime), naive: UTC
      ['2024-08-08 23:54:15.342000', t],
      ['2024-08-08T23:54:15.342000+00:00', t], // datetime.isoformat() with tz
      ['2024-08-09T01:54:15.342+02:00', t],
      ['2024-08-08T21:54:15.342-0200', t],
      ['2024-08-08T23:54:15,342Z', t],
      ['2024-08-08T23:54Z', Date.UTC(2024, 7, 8, 23, 54)],
      ['2024-08-08T23:54:15.3425Z', t + 0.5],
      [1723161255.342, t], // epoch seconds (REAL)
      [1723161255342, t], // epoch ms (INTEGER)
      [BigInt(1723161255342000), t], // epoch µs
      ['1723161255342000000', t], // epoch ns as text
    ];
    for (const [value, expected] of forms) expect(parseOrderFlowTime(value), String(value)).toBeCloseTo(expected, 3);
    for (const bad of ['', 'yesterday', '2024-13-01T00:00:00Z', '2024-02-30 00:00:00', '2024-08-08T24:00:00Z', '2024-08-08T23:54:15+25:00', null, -5, NaN]) {
      expect(parseOrderFlowTime(bad), String(bad)).toBeNaN();
    }
  });
});

describe('order-flow level lists', () => {
  const parser = new LevelTextParser();
  const parse = (text: string): number[][] | string => {
    const list = new LevelList();
    if (!parser.parse(text, list)) return parser.reason;
    return Array.from({ length: list.count }, (_, i) => [list.prices[i]!, list.sizes[i]!]);
  };

  it('writes the shortest plain decimals (as a plain reference does) and reads them back exactly', () => {
    const writer = new LevelTextWriter();
    // Exchange-like numbers (few decimals) and arbitrary doubles, tiny and huge ones included.
    const exchangeLike = fc.tuple(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 8 })).map(([m, d]) => m / 10 ** d);
    const anyDouble = fc.double({ min: 0, max: 1e300, noNaN: true, noDefaultInfinity: true });
    const number = fc.oneof(exchangeLike, anyDouble);
    const level = fc.tuple(number.filter((p) => p > 0), number);
    fc.assert(
      fc.property(fc.array(level, { maxLength: 300 }), (rows) => {
        const text = writer.format(
          rows.map((r) => r[0]),
          rows.map((r) => r[1]),
          rows.length,
        );
        const reference = `[${rows.map(([p, q]) => `[${decimalText(p)},${decimalText(q)}]`).join(',')}]`;
        expect(text).toBe(reference);
        expect(JSON.parse(text)).toEqual(rows);
        expect(parse(text)).toEqual(rows);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads Python literals and JSON as the order-flow tool writes them', () => {
    expect(parse("[[1.0, 2.0, '0', '1'], [0.5, 3, '0', '2']]")).toEqual([
      [1, 2],
      [0.5, 3],
    ]);
    expect(parse('[["61837.63","3.78826","0","4"]]')).toEqual([[61837.63, 3.78826]]);
    expect(parse("[(1.5, 2), (1.25, 4e-3)]")).toEqual([
      [1.5, 2],
      [1.25, 0.004],
    ]);
    expect(parse("[[Decimal('30000.1'), Decimal('0.5'), None]]")).toEqual([[30000.1, 0.5]]);
    expect(parse(' [ ] ')).toEqual([]);
  });

  it('says what is wrong with text that is no level list', () => {
    expect(parse('')).toMatch(/expected a list/);
    expect(parse('[[1.0]]')).toMatch(/price and a size/);
    expect(parse("[[1.0, 'abc']]")).toMatch(/not a number/);
    expect(parse('[[1.0, 2.0]')).toMatch(/expected/);
    expect(parse("[[1.0, '2.0]]")).toMatch(/unterminated/);
    expect(parse('[[1, 2]] x')).toMatch(/text after the list/);
    expect(parse('{"bids": 1}')).toMatch(/character 1/);
  });
});

// ---- The recorder ----------------------------------------------------------------------------

interface DiffSpec {
  time: number;
  bids: [number, number][];
  asks: [number, number][];
}

/** Top `depth` levels of a plain Map book, best first. */
function topOf(side: Map<number, number>, isBid: boolean, depth: number): number[][] {
  return [...side.entries()]
    .filter(([, size]) => size > 0)
    .sort((a, b) => (isBid ? b[0] - a[0] : a[0] - b[0]))
    .slice(0, depth);
}

describe('OrderFlowDbRecorder', () => {
  it('writes one trade row per trade and one book row per 100 ms window in which the book changed', async () => {
    const priceTick = fc.integer({ min: 1, max: 60 });
    const sizeArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 9 }));
    const diffArb = fc.record({
      gap: fc.integer({ min: 0, max: 80 }),
      bids: fc.array(fc.tuple(priceTick, sizeArb), { maxLength: 4 }),
      asks: fc.array(fc.tuple(priceTick, sizeArb), { maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(diffArb, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 5 }), async (raw, depth) => {
        const path = tempPath('.db');
        const recorder = await OrderFlowDbRecorder.open(path, { symbol: 'BTC-USDT', bookDepth: depth, bookIntervalMs: 100, sequenceRule: binanceSpotRule });
        // Snapshot at t0: bids below 100, asks above (the ticks keep sides apart); a deep level
        // on each side that no diff touches keeps either side from emptying (which resyncs).
        const t0 = 1_700_000_000_050;
        const e = setSnapshot(new MarketEvent(), { finalId: 10, time: t0, bids: [[99, 1], [30, 1]], asks: [[101, 1], [170, 1]] });
        recorder.event(e);
        const bids = new Map([[99, 1], [30, 1]]);
        const asks = new Map([[101, 1], [170, 1]]);
        const diffs: DiffSpec[] = [];
        let t = t0;
        for (const d of raw) {
          t += d.gap;
          diffs.push({ time: t, bids: d.bids.map(([p, q]) => [100 - p, q]), asks: d.asks.map(([p, q]) => [100 + p, q]) });
        }
        // Reference: the book after the last change of each window, stamped with that change.
        const expected: { time: number; bids: number[][]; asks: number[][] }[] = [];
        const snap = (time: number) => ({ time, bids: topOf(bids, true, depth), asks: topOf(asks, false, depth) });
        // The first book is written at once; then one row per window with changes.
        expected.push(snap(t0));
        let pending: ReturnType<typeof snap> | null = null;
        let id = 10;
        for (const d of diffs) {
          if (pending !== null && Math.floor(d.time / 100) !== Math.floor(pending.time / 100)) expected.push(pending);
          e.reset(EventKind.DepthDiff);
          e.symbol = 'BTCUSDT';
          e.time = d.time;
          e.firstId = id + 1;
          e.finalId = id + 1;
          id++;
          for (const [p, q] of d.bids) {
            e.bids.push(p, q);
            bids.set(p, q);
          }
          for (const [p, q] of d.asks) {
            e.asks.push(p, q);
            asks.set(p, q);
          }
          recorder.event(e);
          pending = snap(d.time);
          // A trade after each diff.
          recorder.event(setTrade(e, { symbol: 'BTCUSDT', time: d.time, tradeId: id, price: 100 + (id % 7) / 4, amount: (id % 5) + 0.125, takerSide: id % 2 === 0 ? TakerSide.Buy : TakerSide.Sell }));
        }
        if (pending !== null) expected.push(pending);
        const stats = await recorder.close();
        expect(stats.rejected).toBe(0);
        const rows = query(path, 'SELECT instrument, bids, asks, timestamp FROM book ORDER BY id');
        expect(rows.map((r) => ({ time: parseOrderFlowTime(r.timestamp), bids: JSON.parse(String(r.bids)), asks: JSON.parse(String(r.asks)) }))).toEqual(expected);
        expect(new Set(rows.map((r) => r.instrument))).toEqual(new Set(['BTC-USDT']));
        const trades = query(path, 'SELECT trade_id, price, size, side, timestamp FROM trades ORDER BY id');
        expect(trades).toHaveLength(diffs.length);
        trades.forEach((row, i) => {
          const tradeId = 11 + i;
          expect(row).toEqual({
            trade_id: String(tradeId),
            price: 100 + (tradeId % 7) / 4,
            size: (tradeId % 5) + 0.125,
            side: tradeId % 2 === 0 ? 'buy' : 'sell',
            timestamp: formatOrderFlowTime(diffs[i]!.time),
          });
        });
      }),
      { numRuns: 40 },
    );
  });

  it('writes no book row while the book is resyncing, and keeps the rows from before', async () => {
    const path = tempPath('.db');
    const recorder = await OrderFlowDbRecorder.open(path, { bookIntervalMs: 100, sequenceRule: binanceSpotRule });
    const e = setSnapshot(new MarketEvent(), { finalId: 1, time: 1000, bids: [[1, 1]], asks: [[2, 1]] });
    recorder.event(e);
    recorder.bookResync('checksum');
    // A diff that does not bridge: buffered, nothing to write.
    e.reset(EventKind.DepthDiff);
    e.symbol = 'X';
    e.time = 1500;
    e.firstId = 50;
    e.finalId = 50;
    e.bids.push(1, 5);
    recorder.event(e);
    await recorder.close();
    const rows = query(path, 'SELECT bids, timestamp FROM book');
    expect(rows).toEqual([{ bids: '[[1,1]]', timestamp: formatOrderFlowTime(1000) }]);
  });

  it('mirrors a ccxt book: rows at the exchange time estimated from the last event', async () => {
    const path = tempPath('.db');
    const recorder = await OrderFlowDbRecorder.open(path, { symbol: 'BTC/USDT', bookIntervalMs: 0, bookDepth: 2 });
    recorder.event(tradeEvent({ symbol: 'BTCUSDT', time: 5_000_000, tradeId: 1, price: 10, amount: 1 }));
    recorder.mirrorBook([[10, 1], [9, 2], [8, 3]], [[11, 1]]);
    recorder.mirrorBook([[10, 1], [9, 2], [8, 3]], [[11, 1]]); // unchanged: no row
    recorder.mirrorBook([[10, 4]], [[11, 1]]);
    await recorder.close();
    const rows = query(path, 'SELECT instrument, bids, asks, timestamp FROM book ORDER BY id');
    expect(rows.map((r) => [r.instrument, r.bids, r.asks])).toEqual([
      ['BTC/USDT', '[[10,1],[9,2]]', '[[11,1]]'],
      ['BTC/USDT', '[[10,4]]', '[[11,1]]'],
    ]);
    for (const row of rows) {
      const time = parseOrderFlowTime(row.timestamp);
      expect(time).toBeGreaterThanOrEqual(5_000_000);
      expect(time).toBeLessThan(5_000_000 + 10_000);
    }
  });

  it('appends to an order-flow database and refuses a database of another schema, naming the file', async () => {
    const path = tempPath('.sqlite');
    const first = await openRecorder(path, { symbol: 'A' });
    const e = tradeEvent({ symbol: 'A', time: 1, price: 1, amount: 1 });
    first.event(e);
    await first.close();
    const second = await openRecorder(path, { symbol: 'A' });
    second.event(e);
    await second.close();
    expect(query(path, 'SELECT count(*) AS n FROM trades')).toEqual([{ n: 2 }]);

    const other = tempPath('.db');
    const db = new Database(other);
    db.exec('CREATE TABLE book(id INTEGER PRIMARY KEY, price REAL)');
    db.close();
    await expect(OrderFlowDbRecorder.open(other)).rejects.toThrow(RecorderError);
    await expect(OrderFlowDbRecorder.open(other)).rejects.toThrow(new RegExp(`${other}: not an order-flow recording: table "book" lacks "instrument", "bids", "asks", "timestamp"`));
    const notDb = tempPath('.db');
    writeFileSync(notDb, 'hello, this is text and no database at all, long enough to have a header.....................');
    await expect(OrderFlowDbRecorder.open(notDb)).rejects.toThrow(new RegExp(`${notDb}: cannot record into this file`));
  });

  it('bad trades are counted, not written', async () => {
    const path = tempPath('.db');
    const recorder = await OrderFlowDbRecorder.open(path);
    const e = new MarketEvent();
    e.reset(EventKind.Trade);
    e.symbol = 'A';
    for (const [price, amount, time] of [
      [NaN, 1, 1],
      [1, -1, 1],
      [1, 1, NaN],
      [Infinity, 1, 1],
      [1, 1, 1e300],
    ]) {
      e.price = price!;
      e.amount = amount!;
      e.time = time!;
      recorder.event(e);
    }
    const stats = await recorder.close();
    expect(stats).toMatchObject({ events: 5, rejected: 5, tradeRows: 0 });
  });
});

// ---- Sharing the file: locks, owners, a busy database, a full disk ---------------------------

/** A process that stays alive until killed, and its pid. */
function liveProcess(): { pid: number; kill(): Promise<void> } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    pid: child.pid!,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Leaves `path` locked as node-sqlite3-wasm does, with an owner record for `pid` on `host`. */
function leaveLock(path: string, pid: number | null, host = hostname(), role = 'recorder'): void {
  mkdirSync(`${path}.lock`);
  if (pid === null) return;
  mkdirSync(`${path}.owners`, { recursive: true });
  writeFileSync(join(`${path}.owners`, `${host}-${pid}-1`), JSON.stringify({ pid, host, role, since: '2026-01-01T00:00:00.000Z' }));
}

async function freshDb(): Promise<string> {
  const path = tempPath('.db');
  await (await OrderFlowDbRecorder.open(path)).close();
  return path;
}

function trades(n: number, from = 1): MarketEvent[] {
  return Array.from({ length: n }, (_, i) => tradeEvent({ symbol: 'BTCUSDT', time: 1_723_161_255_000 + i, tradeId: from + i, price: 100 + (i % 10), amount: 1 }));
}

describe('a lock is taken back only from an owner that is provably dead', () => {
  it('a lock held by a live process is never taken away: the open is refused naming the file and the owner', async () => {
    const path = await freshDb();
    const holder = liveProcess();
    try {
      leaveLock(path, holder.pid);
      const problems: string[] = [];
      const error = await OrderFlowDbRecorder.open(path, { onProblem: (m) => problems.push(m) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RecorderError);
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toContain(`process ${holder.pid} on ${hostname()}`);
      expect((error as Error).message).toMatch(/still running.*left alone/);
      expect(existsSync(`${path}.lock`)).toBe(true);
      expect(problems).toEqual([]);
      // The replay leaves it alone too.
      const replay = new ReplayFeed(path, { speed: Infinity });
      await expect(replay.open({ exchange: '', symbol: '', timeframe: '1m', historyBars: 0 })).rejects.toThrow(`process ${holder.pid}`);
      expect(existsSync(`${path}.lock`)).toBe(true);
    } finally {
      await holder.kill();
    }
  });

  it('once that process is dead (same host, ESRCH), the lock is recovered at once and the message names it', async () => {
    const path = await freshDb();
    const holder = liveProcess();
    await holder.kill();
    leaveLock(path, holder.pid);
    const problems: string[] = [];
    const started = performance.now();
    const recorder = await OrderFlowDbRecorder.open(path, { onProblem: (m) => problems.push(m) });
    expect(performance.now() - started).toBeLessThan(1000);
    recorder.event(trades(1)[0]!);
    const stats = await recorder.close();
    expect(stats).toMatchObject({ written: 1, failed: 0, pending: 0 });
    expect(problems).toEqual([`${path}: removed the lock ${path}.lock left by process ${holder.pid} on ${hostname()}, which is no longer running`]);
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect(existsSync(`${path}.owners`)).toBe(false);
  });

  it('an owner on another host cannot be proved dead: refused, whatever its pid', async () => {
    const path = await freshDb();
    const dead = liveProcess();
    await dead.kill();
    leaveLock(path, dead.pid, 'other-machine');
    await expect(OrderFlowDbRecorder.open(path)).rejects.toThrow(/process \d+ on other-machine.*another machine/);
    expect(existsSync(`${path}.lock`)).toBe(true);
  });

  it('a lock with no owner recorded (another program) is left alone, and the message says how to clear it', async () => {
    const path = await freshDb();
    leaveLock(path, null);
    await expect(OrderFlowDbRecorder.open(path)).rejects.toThrow(`locked by another program (${path}.lock exists`);
    expect(existsSync(`${path}.lock`)).toBe(true);
  });

  it('a lock released in time by its live owner is waited for, not touched', async () => {
    const path = await freshDb();
    leaveLock(path, process.pid);
    setTimeout(() => rmdirSync(`${path}.lock`), 100);
    const problems: string[] = [];
    const recorder = await OrderFlowDbRecorder.open(path, { onProblem: (m) => problems.push(m) });
    await recorder.close();
    expect(problems).toEqual([]);
  });

  it('recording into a file that a replay is reading is refused, and so is replaying a file being recorded', async () => {
    const path = tempPath('.db');
    const first = await OrderFlowDbRecorder.open(path);
    for (const e of trades(10)) first.event(e);
    // While the recorder is open, a replay of its file is refused.
    const early = new ReplayFeed(path, { speed: Infinity });
    await expect(early.open({ exchange: '', symbol: '', timeframe: '1m', historyBars: 0 })).rejects.toThrow(/is being recorded by the recorder of process \d+/);
    await first.close();
    const replay = new ReplayFeed(path, { speed: 1, paused: true });
    await replay.open({ exchange: '', symbol: '', timeframe: '1m', historyBars: 0 });
    const error = await OrderFlowDbRecorder.open(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecorderError);
    expect((error as Error).message).toMatch(new RegExp(`^${path}: is being replayed by the replay of process ${process.pid}`));
    await replay.close();
    // Closed: recording is possible again, and nothing of the first recording was lost.
    const again = await OrderFlowDbRecorder.open(path);
    await again.close();
    expect(query(path, 'SELECT count(*) AS n FROM trades')).toEqual([{ n: 10 }]);
  });
});

describe('a busy database and a full disk lose nothing silently', () => {
  it('rows meeting a locked database (SQLITE_BUSY) wait and are written when the lock goes; the counts say so', async () => {
    const path = await freshDb();
    const problems: string[] = [];
    const recorder = await OrderFlowDbRecorder.open(path, { flushIntervalMs: 20, onProblem: (m) => problems.push(m) });
    // Another connection holds the lock (a write transaction) for 600 ms.
    const other = new Database(path);
    other.exec('BEGIN EXCLUSIVE');
    const batch = trades(500);
    for (const e of batch.slice(0, 250)) recorder.event(e);
    await new Promise((r) => setTimeout(r, 300));
    expect(recorder.stats).toMatchObject({ written: 0, pending: 250, failed: 0 });
    expect(recorder.stats.busyRetries).toBeGreaterThan(0);
    expect(recorder.stats.lastError).toMatch(/locked/);
    for (const e of batch.slice(250)) recorder.event(e);
    await new Promise((r) => setTimeout(r, 300));
    other.exec('COMMIT');
    other.close();
    const stats = await recorder.close();
    expect(stats).toMatchObject({ written: 500, tradeRows: 500, pending: 0, failed: 0, lastError: '' });
    expect(query(path, 'SELECT count(*) AS n FROM trades')).toEqual([{ n: 500 }]);
    expect(problems[0]).toMatch(new RegExp(`^${path}: cannot write: .*locked.*rows wait and are tried again`));
    expect(problems[problems.length - 1]).toMatch(/writing again: \d+ waiting rows were written/);
  });

  it('a lock held past close fails what is pending, counted and reported (never silently)', async () => {
    const path = await freshDb();
    const problems: string[] = [];
    const recorder = await OrderFlowDbRecorder.open(path, { flushIntervalMs: 20, onProblem: (m) => problems.push(m) });
    const other = new Database(path);
    other.exec('BEGIN EXCLUSIVE');
    try {
      for (const e of trades(40)) recorder.event(e);
      const stats = await recorder.close();
      expect(stats).toMatchObject({ written: 0, pending: 0, failed: 40 });
      expect(problems[problems.length - 1]).toMatch(/40 rows could not be written before closing \(.*locked/);
    } finally {
      other.exec('COMMIT');
      other.close();
    }
  });

  it('a full disk shows in the statistics and a message; the rows wait and are written once there is space', async () => {
    const path = await freshDb();
    const problems: string[] = [];
    const recorder = await OrderFlowDbRecorder.open(path, { flushIntervalMs: 20, onProblem: (m) => problems.push(m) });
    // The disk is full: every write fails with ENOSPC, and the file system reports no space.
    const noSpace = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const write = vi.spyOn(fs, 'writeSync').mockImplementation(() => {
      throw noSpace;
    });
    const statfs = vi.spyOn(fs, 'statfsSync').mockImplementation(((dir: string) => ({ ...realStatfs(dir), bavail: 0 })) as typeof fs.statfsSync);
    try {
      for (const e of trades(100)) recorder.event(e);
      await new Promise((r) => setTimeout(r, 200));
      expect(recorder.stats).toMatchObject({ diskFull: true, written: 0, pending: 100, failed: 0 });
      expect(recorder.stats.lastError).toMatch(/^the disk is full/);
      expect(problems[0]).toMatch(new RegExp(`^${path}: cannot write: the disk is full .*100 rows wait`));
    } finally {
      write.mockRestore();
      statfs.mockRestore();
    }
    const stats = await recorder.close();
    expect(stats).toMatchObject({ diskFull: false, written: 100, pending: 0, failed: 0 });
    expect(query(path, 'SELECT count(*) AS n FROM trades')).toEqual([{ n: 100 }]);
  });
});

// ---- A killed recording ----------------------------------------------------------------------

const CHILD = `
import { OrderFlowDbRecorder } from './src/feeds/recorder/orderFlowDbRecorder';
import { CaptureRecorder } from './src/feeds/recorder/captureRecorder';
import { EventKind, MarketEvent } from './src/engine/events';
const [dbPath, gzPath] = process.argv.slice(2);
(async () => {
  const db = await OrderFlowDbRecorder.open(dbPath, { symbol: 'BTCUSDT', flushIntervalMs: 250 });
  const gz = await CaptureRecorder.open(gzPath, { flushIntervalMs: 250 });
  const e = new MarketEvent();
  e.reset(EventKind.DepthSnapshot);
  e.finalId = 100;
  e.time = Date.now();
  for (let i = 1; i <= 50; i++) { e.bids.push(1000 - i, i); e.asks.push(1000 + i, i); }
  db.event(e); gz.event(e);
  let tradeId = 0;
  let u = 100;
  setInterval(() => {
    const now = Date.now();
    e.reset(EventKind.DepthDiff);
    e.symbol = 'BTCUSDT'; e.time = now; e.firstId = u + 1; e.finalId = u + 1; u++;
    e.bids.push(1000 - (u % 50) - 1, u % 7); e.asks.push(1000 + (u % 50) + 1, u % 5);
    db.event(e); gz.event(e);
    for (let k = 0; k < 20; k++) {
      e.reset(EventKind.Trade);
      e.symbol = 'BTCUSDT'; e.time = now; e.tradeId = ++tradeId; e.price = 1000 + k / 100; e.amount = 0.5; e.takerSide = 1;
      db.event(e); gz.event(e);
    }
  }, 2);
  process.stdout.write('recording\\n');
})();
`;

describe('a recording process killed with SIGKILL', () => {
  it('leaves a valid database and a readable capture holding everything older than about a second', async () => {
    const dir = mkdtempSync(join(tempDir, 'kill-'));
    const childJs = join(dir, 'child.js');
    buildSync({
      stdin: { contents: CHILD, resolveDir: REPO, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: childJs,
      logLevel: 'error',
    });
    // The bundled SQLite looks for its WebAssembly beside the bundle.
    copyFileSync(join(REPO, 'node_modules', 'node-sqlite3-wasm', 'dist', 'node-sqlite3-wasm.wasm'), join(dir, 'node-sqlite3-wasm.wasm'));
    const dbPath = join(dir, 'rec.db');
    const gzPath = join(dir, 'rec.gz');
    const child = spawn(process.execPath, [childJs, dbPath, gzPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolveStarted, reject) => {
      child.stdout.once('data', () => resolveStarted());
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    await new Promise((r) => setTimeout(r, 2500));
    const exited = new Promise((r) => child.once('exit', r));
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await exited;

    // The database, through the replay (which recovers a lock the killed process may have left
    // mid-commit, and lets SQLite roll back its half-written transaction).
    const problems: ReplayProblem[] = [];
    const feed = new ReplayFeed(dbPath, { speed: Infinity, onProblem: (p) => problems.push(p) });
    await feed.open({ exchange: '', symbol: 'BTCUSDT', timeframe: '1m', historyBars: 0 });
    const played: { kind: number; time: number; tradeId: number; bids: number }[] = [];
    feed.start({
      event: (e) => played.push({ kind: e.kind, time: e.time, tradeId: e.tradeId, bids: e.bids.count }),
      mirrorBook: () => {},
      bookResync: () => {},
      history: () => {},
      ticker: () => {},
      status: () => {},
    });
    await feed.finished;
    for (const p of problems) expect(p.message).toMatch(/removed the lock .*rec\.db\.lock left by process \d+ on .*, which is no longer running/);
    const trades = played.filter((p) => p.kind === EventKind.Trade);
    expect(trades.length).toBeGreaterThan(1000);
    // No hole: trade ids 1..n, in order.
    expect(trades.map((t) => t.tradeId)).toEqual(Array.from({ length: trades.length }, (_, i) => i + 1));
    expect(killedAt - trades[trades.length - 1]!.time).toBeLessThan(1000);
    const books = played.filter((p) => p.kind === EventKind.DepthSnapshot);
    expect(books.length).toBeGreaterThan(5);
    expect(killedAt - books[books.length - 1]!.time).toBeLessThan(1000);
    // The default depth, 20 levels a side (the child's book always holds more than 40).
    for (const book of books) expect(book.bids).toBe(20);
    // And SQLite's own check of the file.
    const db = new Database(dbPath, { fileMustExist: true });
    try {
      expect(db.all('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      expect(db.all('SELECT count(*) AS n FROM trades')).toEqual([{ n: trades.length }]);
    } finally {
      db.close();
    }

    // The capture: every complete line up to the last flush reads back; the cut is reported.
    const reader = new CaptureReader([gzPath]);
    const event = new MarketEvent();
    let lastTradeId = 0;
    let lastTime = 0;
    let damage: unknown = null;
    for (;;) {
      let more = false;
      try {
        more = await reader.fill();
      } catch (error) {
        damage = error;
        continue;
      }
      if (!more) break;
      while (reader.next(event)) {
        if (event.kind !== EventKind.Trade) continue;
        expect(event.tradeId).toBe(lastTradeId + 1);
        lastTradeId = event.tradeId;
        lastTime = event.time;
      }
    }
    expect(reader.counts.malformed).toBe(0);
    expect(lastTradeId).toBeGreaterThan(1000);
    expect(killedAt - lastTime).toBeLessThan(1000);
    if (damage !== null) expect(damage).toBeInstanceOf(CaptureFileError);
  });
});
