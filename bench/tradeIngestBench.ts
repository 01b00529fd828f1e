/**
 * 1M real trades into 1m candles plus five indicators (EMA, SMA, RSI, MACD, Bollinger), against
 * a straightforward object-per-bar chart that recomputes the live bar's indicators on every trade
 * ({@link NaiveTradeChart}). The engine is measured twice: its candle and indicator path (a
 * CandleSeries and an IndicatorSet driven exactly as `Market.onTrade` drives them), and the
 * whole `Market.onTrade` (which also keeps CVD and the trade tape). Same trades, same process;
 * each must end with the same bars and the same indicator values (to rounding) as the naive
 * chart before anything is timed.
 */
import { CandleField, CandleSeries, TradeOutcome } from '../src/engine/candles/candleSeries';
import { TIMEFRAME_MS } from '../src/engine/candles/timeframe';
import { createIndicator } from '../src/engine/indicators/createIndicator';
import { IndicatorSet } from '../src/engine/indicators/indicatorSet';
import type { Indicator } from '../src/engine/indicators/indicatorSeries';
import { Market } from '../src/engine/market';
import { medianMs } from './harness';
import { NaiveTradeChart, type NaiveBar, type NaivePeriods } from './naiveTradeChart';
import { makeTradeStream } from './tradeStream';

export interface TradeIngestFigures {
  /** Candles + five indicators, as Market.onTrade drives them. */
  tradesPerSec: number;
  /** The whole Market.onTrade (also CVD and the tape). */
  marketTradesPerSec: number;
  naiveTradesPerSec: number;
  tradesRatio: number;
  trades: number;
  bars: number;
  samePriceFraction: number;
}

const PERIODS: NaivePeriods = { ema: 21, sma: 20, rsi: 14, fast: 12, slow: 26, signal: 9, bollinger: 20, multiplier: 2 };
const INDICATORS = [
  { kind: 'ema', period: PERIODS.ema },
  { kind: 'sma', period: PERIODS.sma },
  { kind: 'rsi', period: PERIODS.rsi },
  { kind: 'macd', fast: PERIODS.fast, slow: PERIODS.slow, signal: PERIODS.signal },
  { kind: 'bollinger', period: PERIODS.bollinger, multiplier: PERIODS.multiplier },
] as const;
/** The naive bar's fields in the order of the indicators' outputs above. */
const NAIVE_OUTPUTS: readonly (readonly (keyof NaiveBar)[])[] = [['ema'], ['sma'], ['rsi'], ['macd', 'signal', 'macd'], ['bbMiddle', 'bbUpper', 'bbLower']];

export async function runTradeIngestBench(count = 1_000_000): Promise<TradeIngestFigures> {
  const stream = makeTradeStream(count);
  const { times, prices, amounts, sides } = stream;

  let candles = new CandleSeries('1m');
  let set = new IndicatorSet(INDICATORS.map((spec) => createIndicator(spec)));
  const resetChart = (): void => {
    candles = new CandleSeries('1m');
    set = new IndicatorSet(INDICATORS.map((spec) => createIndicator(spec)));
  };
  const ingestChart = (): void => {
    const c = candles;
    const s = set;
    for (let i = 0; i < count; i++) {
      const outcome = c.ingestTrade(times[i]!, prices[i]!, amounts[i]!, sides[i]!);
      if (outcome === TradeOutcome.Live || outcome === TradeOutcome.NewBar) s.feed(c, c.lastSeq);
    }
  };

  let market = new Market({ timeframe: '1m', indicators: INDICATORS });
  const resetOurs = (): void => {
    market = new Market({ timeframe: '1m', indicators: INDICATORS });
  };
  const ingestOurs = (): void => {
    const m = market;
    for (let i = 0; i < count; i++) m.onTrade(times[i]!, prices[i]!, amounts[i]!, sides[i]!);
  };

  let naive = new NaiveTradeChart(TIMEFRAME_MS['1m'], PERIODS);
  const resetNaive = (): void => {
    naive = new NaiveTradeChart(TIMEFRAME_MS['1m'], PERIODS);
  };
  const ingestNaive = (): void => {
    const chart = naive;
    for (let i = 0; i < count; i++) chart.addTrade(times[i]!, prices[i]!, amounts[i]!);
  };

  resetNaive();
  ingestNaive();
  resetChart();
  ingestChart();
  crossCheck('candles + IndicatorSet', candles, set.list, 0, naive);
  resetOurs();
  ingestOurs();
  crossCheck('Market.onTrade', market.candles, market.indicators, market.rejectedTotal(), naive);

  const medians = await medianMs([
    { name: 'chart', run: ingestChart, beforeEach: resetChart },
    { name: 'market', run: ingestOurs, beforeEach: resetOurs },
    { name: 'naive', run: ingestNaive, beforeEach: resetNaive },
  ]);
  const tradesPerSec = count / (medians.get('chart')! / 1000);
  const naiveTradesPerSec = count / (medians.get('naive')! / 1000);
  return {
    tradesPerSec,
    marketTradesPerSec: count / (medians.get('market')! / 1000),
    naiveTradesPerSec,
    tradesRatio: tradesPerSec / naiveTradesPerSec,
    trades: count,
    bars: market.candles.count,
    samePriceFraction: stream.samePriceFraction,
  };
}

/** Throws unless both ended with the same bars and, to rounding, the same indicator values. */
function crossCheck(what: string, c: CandleSeries, indicators: readonly Indicator[], rejected: number, naive: NaiveTradeChart): void {
  const rejectedTotal = rejected + c.stats.rejected + indicators.reduce((sum, indicator) => sum + indicator.rejected, 0);
  if (rejectedTotal > 0) throw new Error(`trade ingest (${what}): the engine rejected ${rejectedTotal} inputs`);
  if (c.count !== naive.bars.length) throw new Error(`trade ingest (${what}): ${c.count} bars vs naive ${naive.bars.length}`);
  for (let k = 0; k < c.count; k++) {
    const seq = c.firstSeq + k;
    const bar = naive.bars[k]!;
    const ohlcv = [bar.time, bar.open, bar.high, bar.low, bar.close, bar.volume];
    const fields = [CandleField.OpenTime, CandleField.Open, CandleField.High, CandleField.Low, CandleField.Close, CandleField.Volume];
    for (let f = 0; f < fields.length; f++) {
      if (c.value(seq, fields[f]!) !== ohlcv[f]) throw new Error(`trade ingest (${what}): bar ${k} field ${f} differs from naive`);
    }
    for (let j = 0; j < indicators.length; j++) {
      const indicator = indicators[j]!;
      const names = NAIVE_OUTPUTS[j]!;
      for (let o = 0; o < names.length; o++) {
        const ours = indicator.valueAt(seq, o);
        // MACD's histogram is macd − signal.
        const theirs = j === 3 && o === 2 ? bar.macd - bar.signal : (bar[names[o]!] as number);
        if (!close(ours, theirs)) throw new Error(`trade ingest (${what}): ${indicator.label} output ${o} at bar ${k}: ${ours} vs naive ${theirs}`);
      }
    }
  }
}

/** Equal to rounding: both NaN, or within 1e-9 relative (absolute below 1). */
function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
