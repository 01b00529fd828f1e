/**
 * A chart on 100-trade bars against the local fake Binance with a real ccxt: the bars come from
 * the live trades (100 each), and no history of trades is fetched for them (the footprint
 * backfill of clock bars would be hundreds of aggTrades requests thrown away); back on a clock
 * timeframe, the backfill runs again.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { FakeExchange } from '../fakeExchange/FakeExchange';
import { fakeLiveOptions, waitFor } from '../support/fakeLiveFeed';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { CcxtLiveSource } from '../../src/feeds/ccxt/ccxtLiveSource';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { CandleField } from '../../src/engine/candles/candleSeries';

const CAPTURES = ['binance/spot/btcusdt_20240808.gz'];

describe.skipIf(!hasSharedData(...CAPTURES))('bars of N trades on a live exchange (fake Binance, real ccxt)', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  test('are built from the live trades, with no trade history fetched until a clock timeframe is back', async () => {
    const ex = await FakeExchange.start({ speed: 4, startPaused: true, okx: false, binance: { captures: CAPTURES.map(sharedDataPath), preplayMs: 60_000 } });
    cleanups.push(() => ex.stop());
    const source = new CcxtLiveSource(fakeLiveOptions(ex, { footprintBackfillBars: 4, footprintPageLimit: 100 }));
    cleanups.push(() => source.close());
    const registry = new SessionRegistry({ createFeed: source.createFeed, session: { timeframe: '100t', historyBars: 50 } });
    cleanups.push(() => registry.dispose());
    const session = registry.acquire('binance', 'BTC/USDT').session;
    await session.whenReady();
    ex.resume();
    const market = session.market!;
    await waitFor('three closed 100-trade bars', () => market.candles.count >= 4, 20_000);
    const c = market.candles;
    expect(c.timeframe).toBe('100t');
    for (let seq = c.firstSeq; seq < c.lastSeq; seq++) expect(c.value(seq, CandleField.TradeCount), `bar ${seq}`).toBe(100);
    const aggTrades = () => ex.requestLog.filter((request) => request.path.startsWith('/api/v3/aggTrades')).length;
    expect(aggTrades()).toBe(0);
    expect(session.setTimeframe('1s')).toBeUndefined();
    await waitFor('the footprint backfill of 1 s bars', () => aggTrades() > 0, 20_000);
  });
});
