/**
 * Real data: Binance USD-M BTCUSDT trades (captured 2024-08-08 23:54:16 .. 23:59:59 UTC)
 * aggregated to 1m by CandleSeries equal Binance's own 1m klines for the same minutes.
 *
 * Float sums: volumes and quote volumes are summed in doubles. Each trade's amount has 3
 * decimals and price × amount 4, so the exact sums lie on the CSV's printed grid (3 and 5
 * decimals); the double error is far below half a unit there. The comparison is therefore done
 * at the CSV's printed precision (toFixed with the CSV's decimals must print the CSV's text),
 * and the worst absolute error is asserted to stay below a quarter of a printed unit.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { CandleBar, CandleSeries, TradeOutcome } from '../../src/engine/candles/candleSeries';

const TRADES = 'binance/usdm/btcusdt_20240808.gz';
const KLINES = 'binance-klines/usdm-BTCUSDT-1m-2024-08-08T2344-excerpt.csv';
const MINUTE = 60_000;

interface Trade {
  id: number;
  time: number;
  price: number;
  amount: number;
  /** +1 taker bought, -1 taker sold (`m`: the buyer was the maker). */
  side: number;
  execution: string;
}

/** Every trade message of the capture: lines `<receive_ns> <{"stream","data"}>`. */
function readTrades(): Trade[] {
  const text = gunzipSync(readFileSync(sharedDataPath(TRADES))).toString('utf8');
  const trades: Trade[] = [];
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    // Stream messages come in the combined-stream envelope; the inline REST snapshot does not.
    const { data } = JSON.parse(line.slice(space + 1)) as { data?: Record<string, unknown> };
    if (data?.e !== 'trade') continue;
    trades.push({
      id: data.t as number,
      time: data.T as number,
      price: Number(data.p),
      amount: Number(data.q),
      side: data.m === true ? -1 : 1,
      execution: String(data.X),
    });
  }
  return trades;
}

/** Kline CSV rows keyed by column name, as printed. */
function readKlines(): Record<string, string>[] {
  const [header, ...lines] = readFileSync(sharedDataPath(KLINES), 'utf8').trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, k) => [names[k], cell])));
}

const decimals = (printed: string) => (printed.split('.')[1] ?? '').length;

/** Binance kline row → history row [t, o, h, l, c, v, qv, tbv, n]. */
const historyRow = (k: Record<string, string>) =>
  ['open_time', 'open', 'high', 'low', 'close', 'volume', 'quote_volume', 'taker_buy_volume', 'count'].map((name) =>
    Number(k[name]),
  );

/** Compares one bar with one kline row; returns the largest sum error in printed units. */
function expectBarEqualsKline(bar: CandleBar, kline: Record<string, string>): number {
  const at = new Date(bar.openTime).toISOString();
  expect(bar.openTime, at).toBe(Number(kline.open_time));
  expect([bar.open, bar.high, bar.low, bar.close], at).toEqual(
    [kline.open, kline.high, kline.low, kline.close].map(Number),
  );
  expect(bar.tradeCount, at).toBe(Number(kline.count));
  let worst = 0;
  for (const [value, printed] of [
    [bar.volume, kline.volume],
    [bar.quoteVolume, kline.quote_volume],
    [bar.takerBuyVolume, kline.taker_buy_volume],
  ] as const) {
    const places = decimals(printed);
    expect(value.toFixed(places), `${at} ${printed}`).toBe(printed);
    worst = Math.max(worst, Math.abs(value - Number(printed)) * 10 ** places);
  }
  return worst;
}

describe.skipIf(!hasSharedData(TRADES, KLINES))('1m candles from real Binance USD-M trades', () => {
  let trades: Trade[] = [];
  let klines: Record<string, string>[] = [];
  /** The minutes the capture covers completely. */
  let complete: Record<string, string>[] = [];
  beforeAll(() => {
    trades = readTrades();
    klines = readKlines();
    complete = klines.filter((k) => {
      const t = Number(k.open_time);
      return t >= Date.UTC(2024, 7, 8, 23, 55) && t <= Date.UTC(2024, 7, 8, 23, 59);
    });
  });

  it('reads a continuous trade stream of MARKET executions only', () => {
    expect(trades.length).toBe(21_313);
    // Futures trades carry X (MARKET, or INSURANCE_FUND / ADL / NA). Binance's trade REST docs
    // and aggTrade stream count only market trades; this capture has no other kind, so it
    // cannot show whether klines would count them. The feed should pass MARKET only.
    expect(new Set(trades.map((t) => t.execution))).toEqual(new Set(['MARKET']));
    // No trade is missing (ids consecutive), so the kline trade counts can match.
    for (let k = 1; k < trades.length; k++) expect(trades[k].id).toBe(trades[k - 1].id + 1);
    expect(complete.length).toBe(5);
  });

  it('equals Binance klines 23:55 to 23:59 field by field', () => {
    const series = new CandleSeries('1m', { capacity: 100 });
    for (const t of trades) {
      if (t.execution !== 'MARKET') continue;
      const outcome = series.ingestTrade(t.time, t.price, t.amount, t.side);
      expect(outcome === TradeOutcome.Live || outcome === TradeOutcome.NewBar).toBe(true);
    }
    expect(series.stats.trades).toBe(trades.length);
    expect(series.count).toBe(6); // 23:54 (partial) .. 23:59

    const bar = new CandleBar();
    let worst = 0;
    for (const kline of complete) {
      expect(series.readBar(series.findSeq(Number(kline.open_time)), bar)).toBe(true);
      worst = Math.max(worst, expectBarEqualsKline(bar, kline));
    }
    expect(worst).toBeLessThan(0.25);

    // The 23:54 bar is partial (the capture starts 23:54:16): a strict subset of the exchange's.
    const partial = klines.find((k) => Number(k.open_time) === Date.UTC(2024, 7, 8, 23, 54))!;
    series.readBar(series.firstSeq, bar);
    expect(bar.openTime).toBe(Number(partial.open_time));
    expect(bar.tradeCount).toBeLessThan(Number(partial.count));
    expect(bar.high).toBeLessThanOrEqual(Number(partial.high));
    expect(bar.low).toBeGreaterThanOrEqual(Number(partial.low));
    expect(bar.close).toBe(Number(partial.close));
  });

  it('merges the exchange history around the live bars: every bar becomes the exchange candle', () => {
    const series = new CandleSeries('1m', { capacity: 100 });
    for (const t of trades) series.ingestTrade(t.time, t.price, t.amount, t.side);
    expect(series.mergeHistoryRows(klines.map(historyRow))).toBe(klines.length);
    expect(series.count).toBe(klines.length); // 23:44 .. 00:09: prepended, overwritten, appended
    const bar = new CandleBar();
    for (let k = 0; k < klines.length; k++) {
      series.readBar(series.firstSeq + k, bar);
      expectBarEqualsKline(bar, klines[k]);
    }
  });

  it('fills a reconnect gap from history and keeps building the live bar from trades', () => {
    // Disconnected from 23:56:40 to 23:58:05: those trades never arrive, 23:57 has none.
    const gapFrom = Date.UTC(2024, 7, 8, 23, 56, 40);
    const gapTo = Date.UTC(2024, 7, 8, 23, 58, 5);
    const resumeBar = Date.UTC(2024, 7, 8, 23, 59);
    const series = new CandleSeries('1m', { capacity: 100 });
    let k = 0;
    for (; k < trades.length && trades[k].time < resumeBar; k++) {
      const t = trades[k];
      if (t.time >= gapFrom && t.time < gapTo) continue;
      series.ingestTrade(t.time, t.price, t.amount, t.side);
    }
    expect(series.findSeq(Date.UTC(2024, 7, 8, 23, 57))).toBe(-1); // no trade at all in 23:57
    // Fetched after the reconnect and merged at 23:59:00 (the 23:58 row is the live bar then).
    const fetched = klines.filter((r) => {
      const t = Number(r.open_time);
      return t >= resumeBar - 3 * MINUTE && t < resumeBar;
    });
    expect(series.mergeHistoryRows(fetched.map(historyRow))).toBe(3);
    expect(series.stats.rebuilds).toBe(1);
    for (; k < trades.length; k++) {
      const t = trades[k];
      series.ingestTrade(t.time, t.price, t.amount, t.side);
    }
    const bar = new CandleBar();
    for (const kline of complete) {
      expect(series.readBar(series.findSeq(Number(kline.open_time)), bar)).toBe(true);
      expectBarEqualsKline(bar, kline);
    }
    expect(series.count).toBe(6);
  });
});
