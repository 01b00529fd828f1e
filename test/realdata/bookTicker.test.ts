/**
 * The rebuilt book against the exchange's own best bid/ask (bookTicker), on real captures read
 * in place. Counts are the data README's: a check happens after applying the diff whose final id
 * equals a waiting bookTicker's `u`.
 */
import { describe, expect, it } from 'vitest';
import { verifyCaptures } from '../../src/tools/verifyCaptures';
import { hasSharedData, sharedDataPath } from '../support/sharedData';

const SPOT = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'];
const USDM_BTC = 'binance/usdm/btcusdt_20240808.gz';
const USDM_ETH = 'binance/usdm/ethusdt_20240808.gz';

describe.skipIf(!hasSharedData(...SPOT, USDM_BTC, USDM_ETH))('book equals Binance bookTicker on real captures', () => {
  it('spot BTCUSDT 0808+0809 as one stream: 1072 checks, 0 mismatches, no resync', async () => {
    const { summary, problems, counts } = await verifyCaptures(SPOT.map(sharedDataPath));
    expect(problems).toEqual([]);
    expect(counts.malformed).toBe(0);
    expect(summary).toMatchObject({ bookTickerChecks: 1072, mismatches: 0, resyncs: 0, crossed: false });
    // Every diff after the snapshot applies (two arrived before it and are older).
    expect(summary.diffsApplied).toBe(3451 + 3044 - 2);
  });

  it('usdm BTCUSDT (futures pu rule): 503 checks, 0 mismatches', async () => {
    const { summary, problems } = await verifyCaptures([sharedDataPath(USDM_BTC)]);
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({ bookTickerChecks: 503, mismatches: 0, resyncs: 0, crossed: false });
  });

  it('usdm ETHUSDT, whose snapshot id is a diff final id, goes live with 0 mismatches', async () => {
    const { summary, market } = await verifyCaptures([sharedDataPath(USDM_ETH)]);
    expect(summary.resyncs).toBe(0);
    expect(summary.mismatches).toBe(0);
    expect(summary.bookTickerChecks).toBeGreaterThan(400);
    expect(market.tickerCheck.atArrival.mismatches).toBe(0);
    expect(market.bookState()).toBe('live');
  });

  it('a capture without a snapshot is reported and the book is not shown', async () => {
    const { summary, problems, market } = await verifyCaptures([sharedDataPath(SPOT[1]!)]);
    expect(summary.diffsApplied).toBe(0);
    expect(problems.join('\n')).toMatch(/btcusdt_20240809\.gz: no depth snapshot/);
    expect(market.bookIsShowable()).toBe(false);
  });
});
