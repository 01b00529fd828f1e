/**
 * Controlling a running replay of a real Binance capture, through a market session as Replay
 * Recording plays it: pause stops the events and resume continues them, a speed change changes
 * the rate, a jump forward or back lands at the time asked with the book, candles and last event of
 * a straight replay to that time, and the end is reported as finished.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CANDLE_FIELD_COUNT } from '../../src/engine/candles/candleColumns';
import type { MarketEvent } from '../../src/engine/events';
import { Market } from '../../src/engine/market';
import type { FeedSink } from '../../src/feeds/feed';
import type { MarketSession } from '../../src/feeds/marketSession';
import { ReplayFeed } from '../../src/feeds/replay/replayFeed';
import { ReplayPlayback } from '../../src/feeds/replay/replayPlayback';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { fingerprint } from '../support/eventFingerprint';
import { bookOf, until, type Book } from '../support/replayRecording';
import { hasSharedData, sharedDataPath } from '../support/sharedData';

const SPOT = 'binance/spot/btcusdt_20240808.gz';
/** The capture's first exchange time (2024-08-08 23:54:15.x UTC) is read from the replay itself. */
const SECOND = 1000;

interface Watched {
  session: MarketSession;
  playback: ReplayPlayback;
  /** Events the session's engine took, counted and the last one's fingerprint (a tap sees what the engine sees). */
  events: { count: number; last: string };
  feed(): ReplayFeed;
}

const registries: SessionRegistry[] = [];
afterEach(async () => {
  for (const registry of registries.splice(0)) await registry.dispose();
});

async function watchReplay(speed: number, paused = false): Promise<Watched> {
  const path = sharedDataPath(SPOT);
  const playback = new ReplayPlayback(() => ({}));
  playback.setStartSpeed(path, speed);
  const registry = new SessionRegistry({ createFeed: (key) => playback.createFeed(key.symbol), session: { timeframe: '1m', historyBars: 0 } });
  registries.push(registry);
  const session = registry.acquire('replay', path).session;
  const events = { count: 0, last: '' };
  session.addTap({
    event: (e: MarketEvent) => {
      events.count++;
      events.last = fingerprint(e);
    },
    mirrorBook: () => undefined,
    bookResync: () => undefined,
  });
  await session.whenReady();
  const feed = (): ReplayFeed => playback.feedOf(session)!;
  if (paused) playback.setPaused(session, true);
  return { session, playback, events, feed };
}

interface Straight {
  book: Book;
  candles: number[][];
  last: string;
  trades: number;
}

/**
 * The reference: the capture played into a bare engine, every event before the first stamped at
 * or after `time` and none after (the feed's own sink pauses it there).
 */
async function straightReplayTo(time: number): Promise<Straight> {
  const feed = new ReplayFeed(sharedDataPath(SPOT), { speed: Infinity });
  const facts = await feed.open({ exchange: 'replay', symbol: '', timeframe: '1m', historyBars: 0 });
  const market = new Market({ symbol: sharedDataPath(SPOT), tickSize: facts.tickSize, timeframe: '1m', sequenceRule: feed.sequenceRule });
  let last = '';
  let done = false;
  const sink: FeedSink = {
    event(e) {
      if (done || e.time >= time) {
        done = true;
        feed.pause();
        return;
      }
      market.onEvent(e);
      last = fingerprint(e);
    },
    mirrorBook: () => undefined,
    bookResync: (reason) => market.requestResync(reason),
    history: () => undefined,
    ticker: () => undefined,
    status: () => undefined,
  };
  feed.start(sink);
  await until('the straight replay to reach the time', () => done || feed.progress().finished, 60_000);
  await feed.close();
  return { book: bookOfMarket(market), candles: candleRows(market), last, trades: market.stats.byKind.trades };
}

function bookOfMarket(market: Market): Book {
  return bookOf({ market } as MarketSession);
}

function candleRows(market: Market): number[][] {
  market.settle();
  const c = market.candles;
  const rows: number[][] = [];
  for (let seq = c.firstSeq; seq <= c.lastSeq; seq++) rows.push(Array.from({ length: CANDLE_FIELD_COUNT }, (_, f) => c.value(seq, f as never)));
  return rows;
}

function landedState(w: Watched): Straight {
  const market = w.session.market!;
  return { book: bookOf(w.session), candles: candleRows(market), last: w.events.last, trades: market.stats.byKind.trades };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!hasSharedData(SPOT))('controlling a replay of a real capture', () => {
  it('pause stops the events (none for 1 s), resume continues them, and the status says paused', async () => {
    const w = await watchReplay(1);
    await until('events', () => w.events.count > 50, 10_000);
    expect(w.playback.togglePause(w.session)).toBe(true);
    await until('the paused status', () => w.session.latestStatus.state === 'paused', 2_000);
    const atPause = w.events.count;
    const timeAtPause = w.feed().progress().marketTime;
    await sleep(1_000);
    expect(w.events.count).toBe(atPause);
    expect(w.feed().progress()).toMatchObject({ paused: true, marketTime: timeAtPause });
    expect(w.playback.togglePause(w.session)).toBe(false);
    await until('events after resuming', () => w.events.count > atPause + 20, 5_000);
    expect(w.session.latestStatus.state).toBe('replay');
  });

  it('a speed change changes the rate: 8× runs the market clock about 8 times as fast as 1×', async () => {
    const w = await watchReplay(1);
    await until('events', () => w.events.count > 10, 10_000);
    const rate = async (): Promise<number> => {
      const from = w.feed().progress().marketTime;
      const wallFrom = performance.now();
      await sleep(1_500);
      return (w.feed().progress().marketTime - from) / (performance.now() - wallFrom);
    };
    const at1 = await rate();
    expect(w.playback.setSpeed(w.session, 8)).toBe(true);
    const at8 = await rate();
    expect(at1).toBeGreaterThan(0.7);
    expect(at1).toBeLessThan(1.3);
    expect(at8 / at1).toBeGreaterThan(5.5);
    expect(at8 / at1).toBeLessThan(11);
    expect(w.session.latestStatus.detail).toContain('at 8×');
    expect(w.playback.setSpeed(w.session, 0)).toBe(false);
  });

  it('a jump forward lands at the time with the book, candles and last event of a straight replay to it', async () => {
    const w = await watchReplay(1);
    await until('the start time', () => w.feed().progress().startTime > 0, 10_000);
    w.playback.setPaused(w.session, true);
    const target = w.feed().progress().startTime + 150 * SECOND;
    expect(w.playback.seek(w.session, target)).toBe('forward');
    await until('the jump to land', () => !w.feed().progress().seeking, 30_000);
    expect(w.feed().progress()).toMatchObject({ paused: true, marketTime: target, seeking: false });
    const landed = landedState(w);
    const straight = await straightReplayTo(target);
    expect(straight.trades).toBeGreaterThan(1000);
    expect(landed.book.bids.length).toBeGreaterThan(100);
    expect(landed).toEqual(straight);
    // Still paused where it landed: nothing plays for a while.
    const count = w.events.count;
    await sleep(500);
    expect(w.events.count).toBe(count);
    expect(w.session.latestStatus.state).toBe('paused');
  });

  it('a jump back restarts from the file and lands at the time exactly, keeping the pause and the speed', async () => {
    const w = await watchReplay(1, true);
    w.playback.setSpeed(w.session, 10);
    w.playback.setPaused(w.session, false);
    await until('the start time', () => w.feed().progress().startTime > 0, 10_000);
    const start = w.feed().progress().startTime;
    expect(w.playback.seek(w.session, start + 200 * SECOND)).toBe('forward');
    w.playback.setPaused(w.session, true);
    await until('the first jump to land', () => !w.feed().progress().seeking, 30_000);
    const before = w.feed();
    const target = start + 90 * SECOND;
    expect(w.playback.seek(w.session, target)).toBe('back');
    await until('a new feed to land', () => w.feed() !== before && w.feed().progress().marketTime === target && !w.feed().progress().seeking, 30_000);
    expect(w.feed().progress()).toMatchObject({ paused: true, speed: 10 });
    expect(w.session.market!.stats.byKind.trades).toBeGreaterThan(500);
    const landed = landedState(w);
    const straight = await straightReplayTo(target);
    expect(landed).toEqual(straight);
  });

  it('says finished at the end (status and progress); a jump forward past it is refused, a jump back plays again knowing the end', async () => {
    const w = await watchReplay(Infinity);
    await until('the end', () => w.feed().progress().finished, 60_000);
    await until('the finished status', () => w.session.latestStatus.state === 'finished', 5_000);
    expect(w.session.latestStatus.detail).toMatch(/replay finished/);
    const p = w.feed().progress();
    expect(p.endTime).toBe(p.marketTime);
    expect(w.playback.seek(w.session, p.endTime + SECOND)).toBe('refused');
    // A jump back plays the file again; its end is known from the first play.
    const finished = w.feed();
    expect(w.playback.seek(w.session, p.startTime + 60 * SECOND)).toBe('back');
    await until('the new feed', () => w.feed() !== finished && w.feed() !== undefined, 30_000);
    expect(w.feed().progress()).toMatchObject({ endTime: p.endTime, endKnown: true });
  });
});
