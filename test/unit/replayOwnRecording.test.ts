/**
 * A replay of Orderscope's own recording shows what the live session showed. The live session is
 * a feed shaped like ccxt's (a sequenced book mirrored on every update, trades with the
 * exchange's timestamps) on an exchange whose clock is not the local one (the test exchange
 * replays 2024; a real exchange is seconds off); the recording is made the way Start Recording
 * makes it (`recordSession`), then replayed through a session as Replay Recording does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventKind, MarketEvent, TakerSide } from '../../src/engine/events';
import type { MarketFacts } from '../../src/engine/protocol';
import type { Feed, FeedSink, FeedTarget } from '../../src/feeds/feed';
import { recordSession } from '../../src/feeds/recorder/sessionRecording';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { SeededRandom } from '../../src/feeds/simulator/seededRandom';
import { bookOf, replayRecording, until, type Book } from '../support/replayRecording';

const tempDir = mkdtempSync(join(tmpdir(), 'orderscope-own-recording-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

/** The exchange's clock: 2024-08-08, while the local clock says today. */
const EXCHANGE_EPOCH = Date.UTC(2024, 7, 8, 23, 54, 15);
const TICK = 0.01;
const LIVE_PRECISION = { tickSize: TICK, pricePrecision: 2, amountPrecision: 5 };
const DEEP_SIZE = 0.453761;

/** A live feed as ccxt's is: mirrors its own book every 20 ms and sends trades stamped by the exchange. */
class MirroringExchangeFeed implements Feed {
  readonly name = 'mirroring exchange';
  private timer: NodeJS.Timeout | null = null;
  private readonly random = new SeededRandom(7);
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();
  private readonly event = new MarketEvent();
  private readonly started = performance.now();
  private tradeId = 1000;
  private mid = 6_183_700; // ticks

  async open(target: FeedTarget): Promise<MarketFacts> {
    return { exchange: target.exchange, symbol: target.symbol, ...LIVE_PRECISION };
  }

  start(sink: FeedSink): void {
    for (let i = 1; i <= 40; i++) {
      this.bids.set(this.mid - i, 1 + (i % 5));
      this.asks.set(this.mid + i, 1 + (i % 3));
    }
    // A deep level (beyond the 40 that change) whose size has more decimals than the market's
    // amount precision (5): the numbers alone would make a replay guess 6.
    this.bids.set(this.mid - 45, DEEP_SIZE);
    sink.status({ state: 'live', detail: '', value: 0, polled: [] });
    this.timer = setInterval(() => this.step(sink), 20);
  }

  changeTimeframe(): void {}

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
  }

  private step(sink: FeedSink): void {
    const r = this.random;
    // A few levels change, the touch moves now and then; both sides always hold levels.
    for (let k = 0; k < 4; k++) {
      const bid = r.uniform() < 0.5;
      const side = bid ? this.bids : this.asks;
      const price = bid ? this.mid - 1 - Math.floor(r.uniform() * 40) : this.mid + 1 + Math.floor(r.uniform() * 40);
      if (r.uniform() < 0.3 && side.size > 5) side.delete(price);
      else side.set(price, amount((Math.round(r.uniform() * 5000) + 1) / 1000));
    }
    const rows = (side: Map<number, number>, desc: boolean) =>
      [...side.entries()].sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0])).map(([p, q]) => [price(p), q]);
    sink.mirrorBook(rows(this.bids, true), rows(this.asks, false));
    const now = EXCHANGE_EPOCH + Math.round(performance.now() - this.started);
    for (let k = Math.floor(r.uniform() * 3); k > 0; k--) {
      const e = this.event;
      e.reset(EventKind.Trade);
      e.symbol = 'BTC/USDT';
      e.time = now;
      e.tradeId = ++this.tradeId;
      e.price = price(this.mid + (r.uniform() < 0.5 ? -1 : 1));
      e.amount = amount((10 + Math.round(r.uniform() * 100)) / 1000);
      e.takerSide = r.uniform() < 0.5 ? TakerSide.Buy : TakerSide.Sell;
      sink.event(e);
    }
  }
}

/** An amount as an exchange sends it: a decimal with at most three places, parsed. */
function amount(x: number): number {
  return Number(x.toFixed(3));
}

/** A price in ticks as an exchange sends it: a decimal with two places, parsed. */
function price(ticks: number): number {
  return Number((ticks / 100).toFixed(2));
}

interface Live {
  book: Book;
  top20: Book;
  trades: number;
  lastPrice: number;
  spanMs: number;
}

/**
 * Records the live session for `ms` into `path`, the way Start Recording does (`options` as
 * `recordSession` takes them: `facts: null` makes a recording as older versions did, without facts).
 */
async function recordLive(path: string, ms: number, options: Parameters<typeof recordSession>[2] = {}): Promise<Live> {
  const registry = new SessionRegistry({ createFeed: () => new MirroringExchangeFeed(), session: { timeframe: '1m', historyBars: 0 } });
  const lease = registry.acquire('binance', 'BTC/USDT');
  const session = lease.session;
  try {
    await session.whenReady();
    await until('a live book and some trades', () => session.market!.bookIsShowable() && session.market!.stats.byKind.trades > 5, 10_000);
    const recording = await recordSession(session, path, options);
    // The tap is attached when recordSession resolves (no timer ran in between).
    const tradesBefore = session.market!.stats.byKind.trades;
    const started = session.market!.lastEventTime;
    await new Promise((r) => setTimeout(r, ms));
    // The tap detaches at once: the book now is the last one recorded (the feed goes on).
    const stopping = recording.stop();
    const market = session.market!;
    const live: Live = {
      book: bookOf(session),
      top20: bookOf(session, 20),
      trades: market.stats.byKind.trades - tradesBefore,
      lastPrice: market.lastPrice,
      spanMs: market.lastEventTime - started,
    };
    expect(await stopping).toMatchObject({ failed: 0, pending: 0, rejected: 0 });
    return live;
  } finally {
    lease.release();
    await registry.dispose();
  }
}

describe('a replay of its own recording of a live (mirrored-book) session', () => {
  for (const format of ['.gz', '.db']) {
    it(`${format}: at 1x the book is there from the start and ends equal to the live one; it takes the recorded time and says it finished`, async () => {
      const path = join(tempDir, `live${format}`);
      const live = await recordLive(path, 2000);
      expect(live.trades).toBeGreaterThan(20);
      const played = await replayRecording(path, 1, 30_000);
      expect(played.problems).toEqual([]);
      expect(played.bookMissing).toBe(0);
      if (format === '.gz') expect(played.book).toEqual(live.book);
      // The database keeps the best 20 levels a side.
      else expect(played.book).toEqual(live.top20);
      expect(played.trades).toBe(live.trades);
      expect(played.lastPrice).toBe(live.lastPrice);
      // Timed on the exchange's clock: about the recorded span, neither at once nor never.
      expect(played.wallMs).toBeGreaterThan(live.spanMs * 0.6);
      expect(played.wallMs).toBeLessThan(live.spanMs * 2 + 1500);
      expect(played.status.state).toBe('finished');
      expect(played.status.detail).toMatch(new RegExp(`live\\${format}: replay finished, end of recording \\(\\d+ events\\)$`));
    });

    it(`${format}: at maximum speed the same book and trades`, async () => {
      const path = join(tempDir, `live-max${format}`);
      const live = await recordLive(path, 1000);
      const played = await replayRecording(path, Infinity, 30_000);
      expect(played.problems).toEqual([]);
      expect(played.bookMissing).toBe(0);
      expect(played.book).toEqual(format === '.gz' ? live.book : live.top20);
      expect(played.trades).toBe(live.trades);
      expect(played.lastPrice).toBe(live.lastPrice);
    });

    it(`${format}: the replay shows the live market's decimals (amount precision 5), though a recorded size has 6`, async () => {
      const path = join(tempDir, `live-facts${format}`);
      await recordLive(path, 300);
      const played = await replayRecording(path, Infinity, 30_000);
      expect(played.problems).toEqual([]);
      // The deep level is in the replayed book (the database keeps 20 levels: the size then only
      // reaches the recording in the .gz).
      if (format === '.gz') expect(played.book.bids.some(([, size]) => size === DEEP_SIZE)).toBe(true);
      expect(played.facts).toMatchObject(LIVE_PRECISION);
    });

    it(`${format}: a recording without stored facts (as older versions made) still replays, its facts inferred from the numbers`, async () => {
      const path = join(tempDir, `live-old${format}`);
      const live = await recordLive(path, 300, { facts: null });
      const played = await replayRecording(path, Infinity, 30_000);
      expect(played.problems).toEqual([]);
      expect(played.trades).toBe(live.trades);
      // Sizes of the recorded levels and trades have at most 3 decimals, the deep level's 6 (not in the database's 20).
      expect(played.facts).toMatchObject({ tickSize: TICK, pricePrecision: 2, amountPrecision: format === '.gz' ? 6 : 3 });
    });
  }
});
