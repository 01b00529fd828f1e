import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { binanceSpotRule } from '../../src/engine/book/sequenceRule';
import { SyncState } from '../../src/engine/book/bookSync';
import { BinanceDecoder, DecodeResult } from '../../src/feeds/exchanges/binance/binanceDecoder';
import { EventKind, MarketEvent, TakerSide } from '../../src/engine/events';
import { Market } from '../../src/engine/market';
import { readCapture } from '../../src/feeds/captureReader';
import { BinanceJsonWriter } from '../../src/feeds/exchanges/binance/binanceJson';
import { CaptureRecorder } from '../../src/feeds/recorder/captureRecorder';
import { decimalText } from '../../src/feeds/wire/decimalText';
import { openRecorder } from '../../src/feeds/recorder/openRecorder';
import { RecorderError } from '../../src/feeds/recorder/recorder';
import { ReplayFeed } from '../../src/feeds/replay/replayFeed';
import { verifyCaptures } from '../../src/tools/verifyCaptures';
import { fingerprint } from '../support/eventFingerprint';
import { setBookTicker, setDiff, setSnapshot, setTrade, tradeEvent } from '../support/marketEvents';

const tempDir = mkdtempSync(join(tmpdir(), 'orderscope-recorder-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));
let fileNo = 0;
const tempPath = (ext: string): string => join(tempDir, `rec${++fileNo}${ext}`);

// ---- Arbitraries: events as the Binance decoder produces them ------------------------------

const positive = fc.oneof(
  fc.double({ min: 1e-12, max: 1e12, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: 1, max: 10_000_000 }).map((c) => c / 100),
);
const nonNegative = fc.oneof(fc.constant(0), positive);
const id = fc.maxSafeNat();
const time = fc.integer({ min: 0, max: 4_000_000_000_000 });
const receiveNs = fc.double({ min: 0, max: 2e18, noNaN: true, noDefaultInfinity: true });
const symbol = fc.stringMatching(/^[A-Z0-9]{1,12}$/);
const levels = fc.array(fc.tuple(positive, nonNegative), { maxLength: 20 });

type Spec =
  | { kind: 'trade'; symbol: string; time: number; id: number; price: number; amount: number; sell: boolean; ns: number }
  | { kind: 'diff'; symbol: string; time: number; first: number; final: number; pu: number; bids: [number, number][]; asks: [number, number][]; ns: number }
  | { kind: 'snapshot'; id: number; time: number; bids: [number, number][]; asks: [number, number][]; ns: number }
  | { kind: 'ticker'; symbol: string; time: number; id: number; b: number; B: number; a: number; A: number; ns: number };

const spec: fc.Arbitrary<Spec> = fc.oneof(
  fc.record({ kind: fc.constant('trade' as const), symbol, time, id, price: positive, amount: nonNegative, sell: fc.boolean(), ns: receiveNs }),
  fc.record({
    kind: fc.constant('diff' as const),
    symbol,
    time,
    first: id,
    final: id,
    pu: fc.oneof(fc.constant(-1), id),
    bids: levels,
    asks: levels,
    ns: receiveNs,
  }),
  fc.record({ kind: fc.constant('snapshot' as const), id, time: fc.oneof(fc.constant(NaN), time), bids: levels, asks: levels, ns: receiveNs }),
  fc.record({
    kind: fc.constant('ticker' as const),
    symbol,
    time: fc.oneof(fc.constant(NaN), time),
    id,
    b: positive,
    B: nonNegative,
    a: positive,
    A: nonNegative,
    ns: receiveNs,
  }),
);

/** Builds the event the decoder would have produced for `s`. */
function toEvent(s: Spec, out: MarketEvent): MarketEvent {
  switch (s.kind) {
    case 'trade':
      setTrade(out, { symbol: s.symbol, time: s.time, tradeId: s.id, price: s.price, amount: s.amount, takerSide: s.sell ? TakerSide.Sell : TakerSide.Buy });
      break;
    case 'diff':
      setDiff(out, { symbol: s.symbol, time: s.time, firstId: s.first, finalId: s.final, prevFinalId: s.pu, bids: s.bids, asks: s.asks });
      break;
    case 'snapshot':
      setSnapshot(out, { time: s.time, finalId: s.id, bids: s.bids, asks: s.asks });
      break;
    case 'ticker':
      setBookTicker(out, { symbol: s.symbol, time: s.time, finalId: s.id, bestBid: s.b, bestBidSize: s.B, bestAsk: s.a, bestAskSize: s.A });
      break;
  }
  out.receiveNs = s.ns;
  return out;
}

describe('decimalText', () => {
  it('is plain decimal text that reads back as the same double, for any finite non-negative double', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = decimalText(x);
        expect(text).toMatch(/^[0-9]+(\.[0-9]+)?$/);
        expect(Number(text)).toBe(x === 0 ? 0 : x);
      }),
      { numRuns: 5000 },
    );
    expect(decimalText(1.5e-7)).toBe('0.00000015');
    expect(decimalText(1e21)).toBe('1000000000000000000000');
    expect(decimalText(61837.63)).toBe('61837.63');
  });
});

describe('BinanceJsonWriter', () => {
  it('writes every event kind so that the Binance decoder reads back the identical event', () => {
    const writer = new BinanceJsonWriter('BTCUSDT');
    const decoder = new BinanceDecoder();
    const original = new MarketEvent();
    const decoded = new MarketEvent();
    fc.assert(
      fc.property(spec, (s) => {
        toEvent(s, original);
        const json = writer.message(original, NaN);
        expect(json, writer.reason).not.toBeNull();
        expect(decoder.decode(json!, original.receiveNs, decoded)).toBe(DecodeResult.Event);
        expect(fingerprint(decoded)).toBe(fingerprint(original));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses what the format cannot hold faithfully, and says why', () => {
    const writer = new BinanceJsonWriter('');
    const e = tradeEvent({ symbol: 'BTCUSDT', time: 1, price: -1, amount: 1 });
    expect(writer.message(e, 0)).toBeNull();
    expect(writer.reason).toMatch(/price or size/);
    e.price = 1;
    e.time = NaN;
    expect(writer.message(e, 0)).toBeNull();
    expect(writer.reason).toMatch(/time/);
    e.time = 5;
    e.symbol = '';
    expect(writer.message(e, 0)).toBeNull();
    expect(writer.reason).toMatch(/symbol/);
    e.reset(EventKind.DepthDiff);
    e.symbol = 'X';
    e.time = 1;
    e.firstId = 1.5;
    e.finalId = 2;
    expect(writer.message(e, 0)).toBeNull();
    expect(writer.reason).toMatch(/ids/);
    e.reset(EventKind.None);
    expect(writer.message(e, 0)).toBeNull();
  });

  it('writes a trade without a usable id as t = 0 and a diff without a time at the fallback time', () => {
    const writer = new BinanceJsonWriter('ETHUSDT');
    const decoder = new BinanceDecoder();
    const e = tradeEvent({ time: 1000, tradeId: -1, price: 2, amount: 3 });
    const back = new MarketEvent();
    expect(decoder.decode(writer.message(e, 0)!, 0, back)).toBe(DecodeResult.Event);
    expect([back.symbol, back.tradeId, back.price]).toEqual(['ETHUSDT', 0, 2]);
    e.reset(EventKind.DepthDiff);
    e.firstId = 7;
    e.finalId = 8;
    e.bids.push(1, 2);
    expect(decoder.decode(writer.message(e, 123_456)!, 0, back)).toBe(DecodeResult.Event);
    expect([back.time, back.firstId, back.finalId, back.bids.count]).toEqual([123_456, 7, 8, 1]);
  });
});

describe('CaptureRecorder', () => {
  it('records events into a gzip capture that CaptureReader reads back as the identical events', async () => {
    const specs = fc.sample(spec, { numRuns: 2000, seed: 42 });
    const path = tempPath('.gz');
    const recorder = await CaptureRecorder.open(path, { flushIntervalMs: 5 });
    const event = new MarketEvent();
    const expected: string[] = [];
    for (let i = 0; i < specs.length; i++) {
      recorder.event(toEvent(specs[i]!, event));
      expected.push(fingerprint(event));
      // Let the flush timer run now and then, so the file is written in many pieces.
      if (i % 300 === 0) await new Promise((resolve) => setTimeout(resolve, 6));
    }
    const stats = await recorder.close();
    expect(stats).toMatchObject({ events: specs.length, rejected: 0, failed: 0, pending: 0, written: specs.length });
    expect(stats.flushes).toBeGreaterThan(1);
    const read: string[] = [];
    const counts = await readCapture([path], (e) => void read.push(fingerprint(e)));
    expect(counts.malformed + counts.unknown).toBe(0);
    expect(read).toEqual(expected);
  });

  it('stamps events that have no receive time with the local clock', async () => {
    const path = tempPath('.gz');
    const recorder = await CaptureRecorder.open(path);
    const e = tradeEvent({ symbol: 'BTCUSDT', time: 1, price: 1, amount: 1, receiveNs: NaN });
    const before = Date.now() * 1e6;
    recorder.event(e);
    await recorder.close();
    const after = Date.now() * 1e6;
    const times: number[] = [];
    await readCapture([path], (back) => void times.push(back.receiveNs));
    expect(times).toHaveLength(1);
    expect(times[0]).toBeGreaterThanOrEqual(before - 1e6);
    expect(times[0]).toBeLessThanOrEqual(after + 1e6);
  });

  it("stores the live market's facts as the first line, which readers and verify skip without a problem and a replay uses", async () => {
    const path = tempPath('.gz');
    const facts = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
    const recorder = await CaptureRecorder.open(path, { symbol: 'BTC/USDT', facts });
    const e = new MarketEvent();
    recorder.event(setSnapshot(e, { finalId: 10, time: 1_000, bids: [[100.25, 0.453761]], asks: [[100.5, 1]] }));
    recorder.event(tradeEvent({ symbol: 'BTCUSDT', time: 1_001, price: 100.5, amount: 0.5 }));
    expect(await recorder.close()).toMatchObject({ events: 2, written: 2, failed: 0 });
    const first = gunzipSync(readFileSync(path)).toString().split('\n')[0]!;
    expect(first).toMatch(/^\d+ \{"orderscope":\{"marketFacts":\{/);
    const kinds: EventKind[] = [];
    const counts = await readCapture([path], (back) => void kinds.push(back.kind));
    expect(kinds).toEqual([EventKind.DepthSnapshot, EventKind.Trade]);
    expect(counts).toMatchObject({ lines: 3, metadata: 1, unknown: 0, malformed: 0 });
    expect((await verifyCaptures([path])).problems).toEqual([]);
    const problems: string[] = [];
    const replay = new ReplayFeed(path, { onProblem: (p) => problems.push(p.message) });
    expect(await replay.open({ exchange: '', symbol: '', timeframe: '1m', historyBars: 0 })).toEqual(facts);
    await replay.close();
    expect(problems).toEqual([]);
  });

  it('writes a mirrored book as a snapshot and then diffs that rebuild the same book under the spot rule', async () => {
    const path = tempPath('.gz');
    const recorder = await CaptureRecorder.open(path, { symbol: 'BTC/USDT' });
    // Both sides non-empty: a book that loses a side is not the exchange's (the engine resyncs).
    const bookArb = fc.tuple(
      fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 30 }),
      fc.uniqueArray(fc.integer({ min: 501, max: 1000 }), { minLength: 1, maxLength: 30 }),
      fc.integer({ min: 1, max: 99 }),
    );
    const books = fc.sample(bookArb, { numRuns: 200, seed: 7 });
    let lastBids: number[][] = [];
    let lastAsks: number[][] = [];
    for (let i = 0; i < books.length; i++) {
      const [bidTicks, askTicks, q] = books[i]!;
      // Best-first rows [price, size], as ccxt hands them.
      lastBids = [...bidTicks].sort((a, b) => b - a).map((t) => [t / 100, (q + t) / 1000]);
      lastAsks = [...askTicks].sort((a, b) => a - b).map((t) => [t / 100, (q + t) / 1000]);
      recorder.mirrorBook(lastBids, lastAsks);
      if (i === 120) recorder.bookResync('test');
    }
    await recorder.close();
    const market = new Market({ sequenceRule: binanceSpotRule });
    let snapshots = 0;
    let resyncs = 0;
    await readCapture([path], (e) => {
      if (e.kind === EventKind.DepthSnapshot) snapshots++;
      if (e.kind === EventKind.BookResync) resyncs++;
      if (e.kind === EventKind.DepthDiff) expect(e.symbol).toBe('BTC/USDT');
      market.onEvent(e);
    });
    // The first mirror and the first after the resync are snapshots; the chain never breaks (the
    // one resync is the recorded one: its gap line).
    expect(snapshots).toBe(2);
    expect(resyncs).toBe(1);
    expect(market.sync.stats.gaps).toBe(1);
    expect(market.bookState()).toBe(SyncState.Live);
    const bids = Array.from({ length: market.book.bids.count }, (_, i) => [market.book.bids.prices[market.book.bids.count - 1 - i], market.book.bids.sizes[market.book.bids.count - 1 - i]]);
    const asks = Array.from({ length: market.book.asks.count }, (_, i) => [market.book.asks.prices[market.book.asks.count - 1 - i], market.book.asks.sizes[market.book.asks.count - 1 - i]]);
    expect(bids).toEqual(lastBids);
    expect(asks).toEqual(lastAsks);
  });

  it('counts events it cannot write instead of writing something else', async () => {
    const path = tempPath('.gz');
    const recorder = await CaptureRecorder.open(path);
    const e = tradeEvent({ symbol: 'BTCUSDT', time: 1, price: NaN, amount: 1 });
    recorder.event(e);
    e.reset(EventKind.None);
    recorder.event(e);
    const stats = await recorder.close();
    expect(stats).toMatchObject({ events: 2, rejected: 2, written: 0 });
  });

  it('a full disk (ENOSPC) stops the recording visibly: the statistics and the message say so, no line is counted written', async () => {
    const problems: string[] = [];
    const recorder = await CaptureRecorder.open('/dev/full', { flushIntervalMs: 5, onProblem: (m) => problems.push(m) });
    const e = new MarketEvent();
    for (let i = 0; i < 50; i++) recorder.event(setTrade(e, { symbol: 'BTCUSDT', time: 1_723_161_255_000 + i, tradeId: i + 1, price: 100, amount: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    recorder.event(e); // after the failure
    const stats = await recorder.close();
    expect(stats).toMatchObject({ events: 51, diskFull: true, written: 0, pending: 0, failed: 51 });
    expect(stats.lastError).toMatch(/^the disk is full \(ENOSPC/);
    expect(problems).toEqual([expect.stringMatching(/^\/dev\/full: the disk is full \(ENOSPC.*the recording stopped; 50 lines were not written \(0 were\)$/)]);
  });

  it('rejects a file it cannot create and a name of no known format, naming the file', async () => {
    const missingDir = join(tempDir, 'no-such-dir', 'x.gz');
    await expect(CaptureRecorder.open(missingDir)).rejects.toThrow(RecorderError);
    await expect(CaptureRecorder.open(missingDir)).rejects.toThrow(missingDir);
    await expect(openRecorder(join(tempDir, 'x.csv'))).rejects.toThrow(/x\.csv: unknown recording format/);
    await expect(CaptureRecorder.open(tempPath('.gz'), { flushIntervalMs: 5000 })).rejects.toThrow(/flushIntervalMs/);
  });
});

describe('a capture and its replay do not tread on each other', () => {
  it('recording into a capture being replayed is refused (it would be overwritten), and replaying one being recorded too', async () => {
    const path = tempPath('.gz');
    const first = await CaptureRecorder.open(path);
    const e = tradeEvent({ symbol: 'BTCUSDT', time: 1_723_161_255_000, tradeId: 1, price: 100, amount: 1 });
    first.event(e);
    const early = new ReplayFeed(path, { speed: Infinity });
    await expect(early.open({ exchange: '', symbol: '', timeframe: '1m', historyBars: 0 })).rejects.toThrow(
      new RegExp(`^${path}: is being recorded by the recorder of process ${process.pid}`),
    );
    expect(await first.close()).toMatchObject({ written: 1, failed: 0 });
    const replay = new ReplayFeed(path, { speed: 1, paused: true });
    await replay.open({ exchange: '', symbol: '', timeframe: '1m', historyBars: 0 });
    await expect(CaptureRecorder.open(path)).rejects.toThrow(new RegExp(`^${path}: is being replayed by the replay of process ${process.pid}.*would overwrite it`));
    await replay.close();
    // The capture is intact, and free to record into again.
    const trades: number[] = [];
    await readCapture([path], (back) => void trades.push(back.tradeId));
    expect(trades).toEqual([1]);
    await (await CaptureRecorder.open(path)).close();
    expect(existsSync(`${path}.owners`)).toBe(false);
  });
});
