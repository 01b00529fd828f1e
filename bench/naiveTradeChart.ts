/**
 * The straightforward way to chart trades, as the peer of the engine's trade path: one object
 * per bar in a growing array, and on every trade the live bar's five indicators recomputed from
 * the bars (SMA and Bollinger over their last `period` closes, EMA/RSI/MACD from the previous
 * bar's values). Same definitions and warm-up as the engine's indicators (see src/engine/indicators),
 * so their values must agree to rounding: the benchmark checks that before timing.
 */

export interface NaiveBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  ema: number;
  sma: number;
  avgGain: number;
  avgLoss: number;
  rsi: number;
  fast: number;
  slow: number;
  macd: number;
  signal: number;
  bbMiddle: number;
  bbUpper: number;
  bbLower: number;
}

export interface NaivePeriods {
  ema: number;
  sma: number;
  rsi: number;
  fast: number;
  slow: number;
  signal: number;
  bollinger: number;
  multiplier: number;
}

export class NaiveTradeChart {
  readonly bars: NaiveBar[] = [];

  constructor(
    readonly periodMs: number,
    readonly p: NaivePeriods,
  ) {}

  /** One trade: the bar it belongs to, then every indicator of the live bar. */
  addTrade(time: number, price: number, amount: number): void {
    const open = time - (time % this.periodMs);
    let bar = this.bars[this.bars.length - 1];
    if (bar === undefined || bar.time < open) {
      bar = {
        time: open,
        open: price,
        high: price,
        low: price,
        close: price,
        volume: amount,
        ema: NaN,
        sma: NaN,
        avgGain: NaN,
        avgLoss: NaN,
        rsi: NaN,
        fast: NaN,
        slow: NaN,
        macd: NaN,
        signal: NaN,
        bbMiddle: NaN,
        bbUpper: NaN,
        bbLower: NaN,
      };
      this.bars.push(bar);
    } else {
      if (price > bar.high) bar.high = price;
      if (price < bar.low) bar.low = price;
      bar.close = price;
      bar.volume += amount;
    }
    this.recompute();
  }

  private recompute(): void {
    const bars = this.bars;
    const n = bars.length - 1;
    const bar = bars[n]!;
    const prev = n > 0 ? bars[n - 1]! : undefined;
    const p = this.p;
    bar.ema = ema(bars, n, p.ema, bar.close, prev?.ema ?? NaN);
    bar.sma = n >= p.sma - 1 ? mean(bars, n - p.sma + 1, n) : NaN;

    // RSI (Wilder): plain means of the first `period` changes, then smoothed.
    bar.avgGain = NaN;
    bar.avgLoss = NaN;
    if (n === p.rsi) {
      let gains = 0;
      let losses = 0;
      for (let k = 1; k <= n; k++) {
        const change = bars[k]!.close - bars[k - 1]!.close;
        if (change > 0) gains += change;
        else losses -= change;
      }
      bar.avgGain = gains / p.rsi;
      bar.avgLoss = losses / p.rsi;
    } else if (n > p.rsi) {
      const change = bar.close - prev!.close;
      bar.avgGain = (prev!.avgGain * (p.rsi - 1) + (change > 0 ? change : 0)) / p.rsi;
      bar.avgLoss = (prev!.avgLoss * (p.rsi - 1) + (change < 0 ? -change : 0)) / p.rsi;
    }
    bar.rsi = Number.isNaN(bar.avgGain) ? NaN : bar.avgLoss === 0 ? 100 : bar.avgGain === 0 ? 0 : (100 * bar.avgGain) / (bar.avgGain + bar.avgLoss);

    // MACD: EMA(fast) − EMA(slow); the signal EMA runs over the defined macd values only.
    bar.fast = ema(bars, n, p.fast, bar.close, prev?.fast ?? NaN);
    bar.slow = ema(bars, n, p.slow, bar.close, prev?.slow ?? NaN);
    bar.macd = bar.fast - bar.slow;
    const m = n - (p.slow - 1); // index among the defined macd values
    if (m === p.signal - 1) {
      let sum = 0;
      for (let k = n - p.signal + 1; k <= n; k++) sum += bars[k]!.macd;
      bar.signal = sum / p.signal;
    } else if (m > p.signal - 1) {
      bar.signal = prev!.signal + (2 / (p.signal + 1)) * (bar.macd - prev!.signal);
    } else {
      bar.signal = NaN;
    }

    // Bollinger: SMA ± multiplier · population σ of the same closes.
    if (n >= p.bollinger - 1) {
      const middle = mean(bars, n - p.bollinger + 1, n);
      let squares = 0;
      for (let k = n - p.bollinger + 1; k <= n; k++) squares += (bars[k]!.close - middle) ** 2;
      const sigma = Math.sqrt(squares / p.bollinger);
      bar.bbMiddle = middle;
      bar.bbUpper = middle + p.multiplier * sigma;
      bar.bbLower = middle - p.multiplier * sigma;
    } else {
      bar.bbMiddle = bar.bbUpper = bar.bbLower = NaN;
    }
  }
}

/** Mean of the closes of bars `from`..`to`. */
function mean(bars: NaiveBar[], from: number, to: number): number {
  let sum = 0;
  for (let k = from; k <= to; k++) sum += bars[k]!.close;
  return sum / (to - from + 1);
}

/** EMA at bar `n`: NaN before `period` bars, the SMA of the first `period` closes, then smoothed. */
function ema(bars: NaiveBar[], n: number, period: number, close: number, previous: number): number {
  if (n < period - 1) return NaN;
  if (n === period - 1) return mean(bars, 0, n);
  return previous + (2 / (period + 1)) * (close - previous);
}
