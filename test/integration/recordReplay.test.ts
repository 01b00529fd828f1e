/**
 * Record a live Binance chart (real ccxt against the local fake exchange, which replays the 2024
 * captures: the exchange's clock is years from the local one), then replay the recording as
 * Replay Recording does: the book is there from the first book item and ends as the live one
 * was at the stop, the trades are the same, it plays in the recorded time at 1x, and it says it
 * finished. Both formats: the raw capture (`.gz`) and the order-flow database (`.db`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CcxtLiveSource } from '../../src/feeds/ccxt/ccxtLiveSource';
import { recordSession } from '../../src/feeds/recorder/sessionRecording';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { FakeExchange } from '../fakeExchange/FakeExchange';
import { bookOf, replayRecording, until, type Book } from '../support/replayRecording';
import { hasSharedData, sharedDataPath } from '../support/sharedData';

const CAPTURES = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'];
const dataPresent = hasSharedData(...CAPTURES);

interface Recorded {
  path: string;
  book: Book;
  top20: Book;
  trades: number;
  lastPrice: number;
  spanMs: number;
}

describe.skipIf(!dataPresent)('a recording of a live Binance chart replays as it was shown (fake exchange, real ccxt)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orderscope-record-replay-'));
  const recorded = new Map<string, Recorded>();

  beforeAll(async () => {
    const ex = await FakeExchange.start({ speed: 1, startPaused: true, okx: false, binance: { captures: CAPTURES.map(sharedDataPath), preplayMs: 60_000 } });
    const source = new CcxtLiveSource({ exchanges: { binance: { ...ex.ccxtConfig('binance'), rateLimit: 5 } } });
    const registry = new SessionRegistry({ createFeed: source.createFeed, session: { timeframe: '1m', historyBars: 100 } });
    const lease = registry.acquire('binance', 'BTC/USDT');
    const session = lease.session;
    try {
      await session.whenReady();
      ex.resume();
      await until('a live book and trades', () => session.market?.bookIsShowable() === true && session.market.stats.byKind.trades > 10, 20_000);
      // Both formats, as two Start Recordings would; each counts the trades from its own start.
      const recordings = [];
      for (const name of ['live.gz', 'live.db']) {
        const recording = await recordSession(session, join(dir, name));
        recordings.push({ recording, tradesBefore: session.market!.stats.byKind.trades, started: session.market!.lastEventTime });
      }
      await new Promise((r) => setTimeout(r, 4000));
      // The taps detach at once: what the session shows now is what was recorded last.
      const stops = recordings.map((r) => r.recording.stop());
      const market = session.market!;
      for (const { recording, tradesBefore, started } of recordings) {
        recorded.set(recording.recorder.path, {
          path: recording.recorder.path,
          book: bookOf(session),
          top20: bookOf(session, 20),
          trades: market.stats.byKind.trades - tradesBefore,
          lastPrice: market.lastPrice,
          spanMs: market.lastEventTime - started,
        });
      }
      for (const stats of await Promise.all(stops)) expect(stats).toMatchObject({ failed: 0, pending: 0, rejected: 0 });
    } finally {
      lease.release();
      await registry.dispose();
      await source.close();
      await ex.stop();
    }
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const format of ['.gz', '.db']) {
    for (const speed of [1, Infinity]) {
      test(`${format} at ${speed === 1 ? '1x' : 'maximum speed'}: the book from the start, equal to the live one at the end; the same trades; finished`, async () => {
        const live = recorded.get(join(dir, `live${format}`))!;
        expect(live.trades).toBeGreaterThan(10);
        const played = await replayRecording(live.path, speed, 60_000);
        expect(played.problems).toEqual([]);
        expect(played.bookMissing).toBe(0);
        expect(played.book).toEqual(format === '.gz' ? live.book : live.top20);
        expect(played.trades).toBe(live.trades);
        expect(played.lastPrice).toBe(live.lastPrice);
        if (speed === 1) {
          expect(played.wallMs).toBeGreaterThan(live.spanMs * 0.6);
          expect(played.wallMs).toBeLessThan(live.spanMs * 2 + 2000);
        }
      });
    }
  }
});
