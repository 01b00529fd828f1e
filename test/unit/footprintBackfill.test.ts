/**
 * The footprint backfill without an exchange: bars go newest first and are prepended in front of
 * the live ones; pages of one bar are joined without repeats; a bar is handed over whole or not
 * at all; a failure that retrying cannot help ends it with the reason in its note.
 */
import { describe, expect, test } from 'vitest';
import { FootprintBars } from '../../src/engine/footprint/footprintBars';
import { Market } from '../../src/engine/market';
import { EventKind, MarketEvent } from '../../src/engine/events';
import type { HistoryTrades } from '../../src/engine/footprint/historyTrades';
import { ErrorAction } from '../../src/feeds/ccxt/ccxtErrors';
import { FootprintBackfill, type FootprintBackfillHost, type HistoryTradeLike } from '../../src/feeds/ccxt/footprintBackfill';

const QUICK = { baseMs: 1, factor: 1, maxMs: 1, jitter: 0 };

function host(trades: HistoryTradeLike[], fail?: (since: number) => Error | undefined): FootprintBackfillHost & { delivered: HistoryTrades[]; asked: number[] } {
  const delivered: HistoryTrades[] = [];
  const asked: number[] = [];
  return {
    delivered,
    asked,
    fetchTrades: async (since, limit, until) => {
      asked.push(since);
      const error = fail?.(since);
      if (error !== undefined) throw error;
      return trades.filter((t) => t.timestamp! >= since && t.timestamp! <= until).slice(0, limit);
    },
    deliver: (t) => delivered.push(t),
    classify: (error) => ((error as Error).message === 'busy' ? ErrorAction.Throttled : ErrorAction.Stop),
    reason: (error) => (error as Error).message,
    retryAfterMs: () => 0,
    progressChanged: () => undefined,
  };
}

/** A whole second: times below are ms after it. */
const T0 = 1_723_161_300_000;
const trade = (id: number, ms: number, price: number, amount: number, side: 'buy' | 'sell'): HistoryTradeLike => ({ id: String(id), timestamp: T0 + ms, price, amount, side, info: { l: id } });

describe('FootprintBars.addHistoryTrade', () => {
  test('a bar older than every held one is prepended; a full ring refuses it', () => {
    const fp = new FootprintBars(0.01, { bars: 2 });
    expect(fp.addTrade(60_000, 100, 1, 1)).toBe(true);
    expect(fp.addHistoryTrade(0, 99.5, 2, -1)).toBe(true);
    expect(fp.count).toBe(2);
    expect(fp.openTimeAt(fp.slotAt(0))).toBe(0);
    expect(fp.sellVolumeAt(fp.find(0))).toBe(2);
    // live trades still go to the newest bar
    expect(fp.addTrade(60_000, 100, 1, 1)).toBe(true);
    expect(fp.buyVolumeAt(fp.find(60_000))).toBe(2);
    expect(fp.addHistoryTrade(-60_000, 99, 1, 1)).toBe(false);
    expect(fp.stats.unheld).toBe(1);
  });
});

describe('FootprintBackfill', () => {
  test('newest bar first, pages joined without repeats, only trades before the live seam reach the footprint', async () => {
    // Bars of 1 s; pages of 3: the second page starts again at ms 1500 (trades 4 and 5 repeated).
    const trades = [trade(1, 100, 10, 1, 'buy'), trade(2, 900, 10.01, 2, 'sell'), trade(3, 1100, 10, 1, 'buy'), trade(4, 1500, 10, 1, 'buy'), trade(5, 1500, 10.02, 1, 'sell'), trade(6, 1700, 10, 4, 'buy')];
    const h = host(trades);
    const backfill = new FootprintBackfill(1000, T0 + 1000, T0 + 1700, { bars: 2, pageLimit: 3, maxPagesPerBar: 10, maxAttempts: 2, backoff: QUICK, throttledBackoff: QUICK }, h);
    await backfill.run();
    expect(h.delivered.map((d) => [d.barOpenTime, Array.from(d.lastTradeId as number[])])).toEqual([
      [T0 + 1000, [3, 4, 5, 6]],
      [T0, [1, 2]],
    ]);
    expect(backfill.note).toBe('');
    expect(h.asked).toEqual([1000, 1500, 1700, 0].map((ms) => T0 + ms));
    // The market's live footprint started at trade 5 (ms 1500): 3 and 4 (same ms, lower id) come from history, 5 and 6 not again.
    const market = new Market({ timeframe: '1s', tickSize: 0.01 });
    const live = (id: number, ms: number, price: number, amount: number, side: 1 | -1): void => {
      const event = new MarketEvent();
      event.reset(EventKind.Trade);
      Object.assign(event, { time: T0 + ms, price, amount, takerSide: side, tradeId: id });
      market.onEvent(event);
    };
    live(5, 1500, 10.02, 1, -1);
    live(6, 1700, 10, 4, 1);
    expect([market.footprintSeamTime, market.footprintSeamTradeId]).toEqual([T0 + 1500, 5]);
    for (const bar of h.delivered) market.backfillFootprint(bar);
    const fp = market.footprint;
    const seamBar = fp.find(T0 + 1000);
    expect([fp.buyVolumeAt(seamBar), fp.sellVolumeAt(seamBar)]).toEqual([6, 1]);
    expect([fp.buyVolumeAt(fp.find(T0)), fp.sellVolumeAt(fp.find(T0))]).toEqual([1, 2]);
  });

  test('a failure retrying cannot help ends it, says why, and hands over no partial bar', async () => {
    const trades = [trade(1, 100, 10, 1, 'buy'), trade(2, 200, 10, 1, 'buy'), trade(3, 300, 10, 1, 'buy')];
    let calls = 0;
    const h = host(trades, () => (++calls === 1 ? new Error('busy') : calls === 3 ? new Error('not supported') : undefined));
    const backfill = new FootprintBackfill(1000, T0, T0 + 999, { bars: 3, pageLimit: 2, maxPagesPerBar: 10, maxAttempts: 3, backoff: QUICK, throttledBackoff: QUICK }, h);
    await backfill.run();
    expect(h.delivered).toEqual([]);
    expect(backfill.note).toBe('footprint backfill failed: not supported');
    expect(backfill.stats.failures).toBe(2);
  });

  test('a bar needing more pages than allowed is left without footprint; the older bars still come', async () => {
    const trades = [trade(1, 100, 10, 1, 'buy'), trade(2, 1100, 10, 1, 'buy'), trade(3, 1200, 10, 1, 'buy'), trade(4, 1300, 10, 1, 'buy'), trade(5, 1400, 10, 1, 'buy')];
    const h = host(trades);
    const backfill = new FootprintBackfill(1000, T0 + 1000, T0 + 1999, { bars: 2, pageLimit: 2, maxPagesPerBar: 2, maxAttempts: 1, backoff: QUICK, throttledBackoff: QUICK }, h);
    await backfill.run();
    expect(h.delivered.map((d) => d.barOpenTime)).toEqual([T0]);
    expect(backfill.stats.abandonedBars).toBe(1);
  });
});
