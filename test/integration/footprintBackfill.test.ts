/**
 * Footprint backfill against the local fake Binance with a real ccxt: the bars before the live
 * session get their footprint from `fetchTrades` (aggTrades, paged by `since`), equal to the
 * footprint of the capture's own trades for those bars, the seam bar too (history before the
 * first live trade, live after it, nothing twice); the session status carries its progress (the
 * panel's progress bar) in step with the detail's words; a 429 with Retry-After holds every request
 * back until it passes; without `fetchTrades` those bars keep "no footprint".
 */
import { afterEach, describe, expect, test } from 'vitest';
import { FakeExchange } from '../fakeExchange/FakeExchange';
import { fakeLiveOptions, waitFor } from '../support/fakeLiveFeed';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { CcxtLiveSource } from '../../src/feeds/ccxt/ccxtLiveSource';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import type { MarketSession } from '../../src/feeds/marketSession';
import type { SessionStatus } from '../../src/feeds/sessionStatus';
import { CandleField } from '../../src/engine/candles/candleSeries';
import type { FootprintBars } from '../../src/engine/footprint/footprintBars';

const CAPTURES = ['binance/spot/btcusdt_20240808.gz'];
const dataPresent = hasSharedData(...CAPTURES);
const BARS = 12;

/** Per 1 s bar: price → [taker buy, taker sell], summed exactly in 1e-8 units from the capture's trades. */
function referenceFootprint(ex: FakeExchange): Map<number, Map<string, [bigint, bigint]>> {
  const bars = new Map<number, Map<string, [bigint, bigint]>>();
  for (const trade of ex.binance!.playedTrades('BTCUSDT')) {
    const open = Math.floor(trade.T / 1000) * 1000;
    let cells = bars.get(open);
    if (cells === undefined) bars.set(open, (cells = new Map()));
    const price = String(Number(trade.p));
    const cell = cells.get(price) ?? [0n, 0n];
    const units = BigInt(Math.round(Number(trade.q) * 1e8));
    // m: the buyer was the maker, so the taker sold.
    if (trade.m) cell[1] += units;
    else cell[0] += units;
    cells.set(price, cell);
  }
  return bars;
}

/** A bar's cells as [price, buy, sell] rows, ascending, or undefined when it has no footprint. */
function barCells(footprint: FootprintBars, open: number): number[][] | undefined {
  const slot = footprint.find(open);
  if (slot < 0) return undefined;
  const rows: number[][] = [];
  for (let tick = footprint.lowTickAt(slot); tick <= footprint.highTickAt(slot); tick++) {
    const cell = footprint.cellIndex(slot, tick);
    const buy = footprint.cells.buy(cell);
    const sell = footprint.cells.sell(cell);
    if (buy > 0 || sell > 0) rows.push([footprint.priceOf(tick), buy, sell]);
  }
  return rows;
}

/**
 * Differences between a bar's footprint and the capture's: the same prices, and per price the
 * same buy and sell to 1e-9 relative (the engine adds doubles; one trade missed or counted twice
 * is at least 1e-5 BTC).
 */
function mismatches(footprint: FootprintBars, open: number, reference: Map<string, [bigint, bigint]> | undefined): string[] {
  const cells = barCells(footprint, open);
  if (cells === undefined) return [`bar ${open}: no footprint`];
  const want = [...(reference ?? new Map<string, [bigint, bigint]>())].map(([price, [buy, sell]]) => [Number(price), Number(buy) / 1e8, Number(sell) / 1e8]).sort((a, b) => a[0]! - b[0]!);
  const problems: string[] = [];
  if (cells.map((row) => row[0]).join() !== want.map((row) => row[0]).join()) problems.push(`bar ${open}: prices ${cells.map((row) => row[0]).join(' ')} vs ${want.map((row) => row[0]).join(' ')}`);
  else {
    for (let i = 0; i < cells.length; i++) {
      for (const k of [1, 2]) {
        if (Math.abs(cells[i]![k]! - want[i]![k]!) > 1e-9 * Math.max(1, want[i]![k]!)) problems.push(`bar ${open} at ${cells[i]![0]}: ${cells[i]![k]} vs ${want[i]![k]}`);
      }
    }
  }
  return problems;
}

function candleVolume(session: MarketSession, open: number): number {
  const candles = session.market!.candles;
  const seq = candles.findSeq(open);
  return seq >= 0 ? candles.value(seq, CandleField.Volume) : NaN;
}

describe.skipIf(!dataPresent)('footprint backfill (fake Binance, real ccxt)', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  async function open(binance: Record<string, unknown> = {}): Promise<{ ex: FakeExchange; session: MarketSession; statuses: SessionStatus[] }> {
    const ex = await FakeExchange.start({ speed: 4, startPaused: true, okx: false, binance: { captures: CAPTURES.map(sharedDataPath), preplayMs: 60_000 } });
    cleanups.push(() => ex.stop());
    // 100 trades a page: the busier seconds take several pages.
    const source = new CcxtLiveSource(fakeLiveOptions(ex, { footprintBackfillBars: BARS, footprintPageLimit: 100 }, binance));
    cleanups.push(() => source.close());
    const registry = new SessionRegistry({ createFeed: source.createFeed, session: { timeframe: '1s', historyBars: 200 } });
    cleanups.push(() => registry.dispose());
    const session = registry.acquire('binance', 'BTC/USDT').session;
    const statuses: SessionStatus[] = [];
    session.onStatus((status) => statuses.push(status));
    await session.whenReady();
    return { ex, session, statuses };
  }

  test('the bars before the session get the capture\'s footprint, the seam bar too, within the Retry-After of a 429', async () => {
    const { ex, session, statuses } = await open();
    ex.resume();
    // The first backfill request is answered 429 with Retry-After: 1 s.
    await waitFor('the first aggTrades request', () => ex.requestLog.some((request) => request.path.startsWith('/api/v3/aggTrades')), 10_000);
    ex.throttle(1, { status: 429, retryAfterS: 1 });
    const market = session.market!;
    await waitFor('the backfill to end', () => market.footprintSeamTime === market.footprintSeamTime && !statuses.at(-1)!.detail.includes('footprint backfill') && statuses.some((s) => /footprint backfill \d+%/.test(s.detail)), 20_000);
    ex.pause();
    // The panel's progress bar reads the same progress from the status, in step with the words; none once done.
    const running = statuses.filter((s) => /footprint backfill \d+%/.test(s.detail));
    expect(running.map((s) => Math.round(s.backfill!.done * 100))).toEqual(running.map((s) => Number(/footprint backfill (\d+)%/.exec(s.detail)![1])));
    expect(statuses.at(-1)!.backfill).toBeUndefined();
    const seamBar = Math.floor(market.footprintSeamTime / 1000) * 1000;
    // Let the live trades of the seam bar arrive (the server is paused past it).
    await waitFor('the seam bar to close', () => market.candles.value(market.candles.lastSeq, CandleField.OpenTime) > seamBar, 10_000);
    const reference = referenceFootprint(ex);
    const problems: string[] = [];
    for (let k = 0; k < BARS; k++) {
      const bar = seamBar - k * 1000;
      if (reference.has(bar)) problems.push(...mismatches(market.footprint, bar, reference.get(bar)));
    }
    // The backfill also fetched the live bars up to its start: a trade taken from after the seam shows here.
    const beforeSeamInBar = ex.binance!.playedTrades('BTCUSDT').filter((trade) => trade.T >= seamBar && trade.T < market.footprintSeamTime).length;
    console.log(`seam ${market.footprintSeamTime} (trade ${market.footprintSeamTradeId}): ${beforeSeamInBar} trades of its bar before it`);
    expect(problems).toEqual([]);
    // The panel reads each as complete against its kline; the bars before the backfill have none.
    for (let k = 0; k < BARS; k++) {
      const bar = seamBar - k * 1000;
      if (reference.has(bar)) expect(market.footprint.coverage(bar, candleVolume(session, bar)), `bar ${bar}`).toBe('complete');
    }
    const older = [...reference.keys()].filter((bar) => bar < seamBar - BARS * 1000 && bar >= market.candles.value(market.candles.firstSeq, CandleField.OpenTime));
    expect(older.length).toBeGreaterThan(10);
    for (const bar of older) expect(market.footprint.coverage(bar, candleVolume(session, bar)), `bar ${bar}`).toBe('none');

    // The 429 was on a backfill request; nothing reached the exchange for the Retry-After (but
    // what was already on its way), and the backfill went on after it.
    const refused = ex.requestLog.find((request) => request.status === 429)!;
    expect(refused.path).toMatch(/^\/api\/v3\/aggTrades/);
    const after = ex.requestLog.filter((request) => request.at > refused.at + 50);
    expect(after.filter((request) => request.at < refused.at + 1000)).toEqual([]);
    // How many requests came before the 429 depends on timing (the throttle is armed after the
    // first is seen); that the backfill went on after the Retry-After is what matters, and every
    // bar above being complete says it finished.
    expect(after.filter((request) => request.at >= refused.at + 1000 && request.path.startsWith('/api/v3/aggTrades')).length).toBeGreaterThan(0);
  }, 60_000);

  test('without fetchTrades the bars before the session keep "no footprint" and nothing is asked', async () => {
    const { ex, session, statuses } = await open({ has: { fetchTrades: false } });
    ex.resume();
    const market = session.market!;
    await waitFor('live trades in the footprint', () => market.footprintSeamTime === market.footprintSeamTime && market.footprint.count > 3, 10_000);
    ex.pause();
    const seamBar = Math.floor(market.footprintSeamTime / 1000) * 1000;
    const reference = referenceFootprint(ex);
    const before = [...reference.keys()].filter((bar) => bar < seamBar && bar >= market.candles.value(market.candles.firstSeq, CandleField.OpenTime));
    expect(before.length).toBeGreaterThan(30);
    for (const bar of before) expect(market.footprint.coverage(bar, candleVolume(session, bar)), `bar ${bar}`).toBe('none');
    expect(ex.requestLog.filter((request) => request.path.startsWith('/api/v3/aggTrades'))).toEqual([]);
    // and the status says why
    expect(statuses.at(-1)!.detail).toBe('live; no footprint before the session: binance offers no trade history');
  }, 30_000);
});
