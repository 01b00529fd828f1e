/**
 * CVD on real trades: the Binance USD-M BTCUSDT trade stream of 2024-08-08 23:54–23:59 UTC, fed
 * into CvdBars by minute, must give per-minute deltas equal to Binance's own klines for the
 * minutes the capture covers fully (taker-buy volume − taker-sell volume = 2·takerBuy − volume).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TakerSide } from '../../src/engine/events';
import { CvdBars } from '../../src/engine/metrics/cvdBars';
import { hasSharedData, sharedDataPath } from '../support/sharedData';

const TRADES = 'binance/usdm/btcusdt_20240808.gz';
const KLINES = 'binance-klines/usdm-BTCUSDT-1m-2024-08-08T2344-excerpt.csv';
const MINUTE = 60_000;
/** Minutes fully inside the capture (it starts at 23:54:16). */
const FIRST_FULL = Date.UTC(2024, 7, 8, 23, 55);
const LAST_FULL = Date.UTC(2024, 7, 8, 23, 59);

describe.skipIf(!hasSharedData(TRADES, KLINES))('CvdBars on the real Binance USD-M BTCUSDT capture', () => {
  it('per-minute delta equals the klines’ taker-buy minus taker-sell volume', () => {
    const cvd = new CvdBars({ capacity: 64 });
    let trades = 0;
    for (const line of gunzipSync(readFileSync(sharedDataPath(TRADES))).toString('utf8').split('\n')) {
      if (!line.includes('"e":"trade"')) continue;
      const { data } = JSON.parse(line.slice(line.indexOf(' ') + 1)) as {
        data: { T: number; q: string; m: boolean };
      };
      // `m`: the buyer was the maker, so the taker sold.
      expect(cvd.addTrade(Math.floor(data.T / MINUTE), Number(data.q), data.m ? TakerSide.Sell : TakerSide.Buy)).toBe(true);
      trades++;
    }
    expect(trades).toBe(21313);
    expect(cvd.rejected).toBe(0);

    const rows = readFileSync(sharedDataPath(KLINES), 'utf8').trim().split('\n').slice(1).map((r) => r.split(','));
    let checked = 0;
    for (const row of rows) {
      const openTime = Number(row[0]);
      if (openTime < FIRST_FULL || openTime > LAST_FULL) continue;
      const seq = openTime / MINUTE;
      const volume = Number(row[5]);
      const takerBuy = Number(row[9]);
      const delta = cvd.valueAt(seq, 3) - cvd.valueAt(seq, 0);
      expect(Math.abs(delta - (2 * takerBuy - volume))).toBeLessThanOrEqual(1e-9 * volume);
      // Bars join up: each opens at the previous one's close.
      expect(cvd.valueAt(seq, 0)).toBe(cvd.valueAt(seq - 1, 3));
      expect(cvd.valueAt(seq, 1)).toBeGreaterThanOrEqual(Math.max(cvd.valueAt(seq, 0), cvd.valueAt(seq, 3)));
      expect(cvd.valueAt(seq, 2)).toBeLessThanOrEqual(Math.min(cvd.valueAt(seq, 0), cvd.valueAt(seq, 3)));
      checked++;
    }
    expect(checked).toBe(5);
  });
});
