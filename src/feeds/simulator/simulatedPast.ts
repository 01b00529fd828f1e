import { barOpenTime, TIMEFRAME_MS, type Timeframe } from '../../engine/candles/timeframe';
import { BarRing } from './barRing';
import type { DecimalGrid } from './decimalGrid';
import type { SeededRandom } from './seededRandom';
import { VolatilityProcess } from './volatilityProcess';

/** What the past is generated from: the live market's state at its start and its averages. */
export interface PastSpec {
  /** Start of the live market, ms (a whole second): the past ends here. */
  startTime: number;
  /** Price at the start: the past's last close. */
  startPrice: number;
  /** History bars each timeframe should have (its chart opens with this many). */
  historyBars: number;
  /** Average volatility of log-price per second (the live process's). */
  secondVolatility: number;
  /** Average traded base volume per second. */
  volumePerSecond: number;
  /** Average base amount per trade print (for trade counts). */
  meanTradeSize: number;
  /** Log-price stays within ±this of the start (mirrors the live bounds). */
  logPriceRange: number;
  prices: DecimalGrid;
  amounts: DecimalGrid;
}

/** Rolling 24h figures; NaN where no bar is held. */
export class Figures24h {
  last = NaN;
  open = NaN;
  high = NaN;
  low = NaN;
  volume = NaN;
}

/**
 * Bar levels the past is kept at, finest first. A chart timeframe is built from the coarsest
 * level whose length divides it; `span` is that level's bars per history bar wanted.
 */
const LEVELS: ReadonlyArray<{ tf: Timeframe; span: (bars: number) => number }> = [
  { tf: '1s', span: (bars) => bars },
  // 1m also serves 3m and 5m, and the 24h ticker (1440 minutes).
  { tf: '1m', span: (bars) => Math.max(5 * bars, 1500) },
  { tf: '15m', span: (bars) => 2 * bars },
  { tf: '1h', span: (bars) => 4 * bars },
  // 1d serves 1w; capped: a 20-year daily past of a made-up market shows nothing more.
  { tf: '1d', span: (bars) => Math.min(7 * bars, 2500) },
];

const DAY_MS = TIMEFRAME_MS['1d'];

/**
 * The simulated market's candle past, one consistent price path at every timeframe, plus the
 * live bars since the start (every trade is recorded).
 *
 * The path is generated backward from the start price, finest level first: 1s bars for the
 * last `historyBars` seconds, then 1m bars before those, then 15m, 1h and 1d bars, each level
 * continuing the walk back from the open of the finer level's first bar. Over the span a finer
 * level covers, a coarser level's bars are the aggregates of the finer ones, so switching
 * timeframe shows the same past. Each bar's move is normal with the live process's volatility
 * (stochastic, clustered: the same {@link VolatilityProcess}, stepped in coarse steps), its high
 * and low are exact draws of a Brownian bridge's extremes between open and close, and its volume
 * follows activity and the size of the move.
 */
export class SimulatedPast {
  private readonly rings: BarRing[] = [];

  /** Generates the past: O(total bars), allocating the rings and a scratch array once. */
  constructor(
    private readonly spec: Readonly<PastSpec>,
    volatility: VolatilityProcess,
    private readonly rng: SeededRandom,
  ) {
    const bars = spec.historyBars;
    const end = spec.startTime;
    // The walk back: log-price and volatility at the start of the span covered so far.
    let logPrice = Math.log(spec.startPrice);
    let coveredFrom = end;
    let finer: BarRing | null = null;
    for (const level of LEVELS) {
      const length = TIMEFRAME_MS[level.tf];
      // Start on a boundary of the next coarser level (a week for days), so coarser bars
      // built from this level are whole.
      const alignTo = LEVELS[LEVELS.indexOf(level) + 1]?.tf ?? '1w';
      const from = Math.min(barOpenTime(coveredFrom - level.span(bars) * length, alignTo), coveredFrom);
      const generated = (coveredFrom - from) / length;
      const aggregated: number = finer === null ? 0 : Math.ceil((end - coveredFrom) / length) + 1;
      const ring: BarRing = new BarRing(length, Math.max(1, generated + aggregated));
      logPrice = this.walkBack(ring, from, generated, length, logPrice, volatility);
      if (finer !== null) aggregateInto(finer, ring);
      this.rings.push(ring);
      finer = ring;
      coveredFrom = from;
    }
  }

  /** Records a live trade in every level. O(levels); no allocation. */
  recordTrade(time: number, price: number, amount: number, takerSide: number): void {
    for (let i = 0; i < this.rings.length; i++) this.rings[i]!.addTrade(time, price, amount, takerSide);
  }

  /**
   * The newest `maxBars` bars of `timeframe` as exchange rows `[t, o, h, l, c, v, quoteVolume,
   * takerBuyVolume, trades]`, oldest first; the last row is the bar in progress. Built from the
   * coarsest level that divides `timeframe`, with exchange semantics: a row opens at its first
   * trade, and a row without trades is flat at the previous close. Rows end at the bar of the
   * last trade: an empty bar in progress is left out, so the live bar a chart builds from the
   * next trade opens at that trade (as the engine does). O(bars of the level); allocates the rows.
   */
  rows(timeframe: Timeframe, maxBars: number): number[][] {
    const length = TIMEFRAME_MS[timeframe];
    let ring = this.rings[0]!;
    for (const r of this.rings) if (length % r.lengthMs === 0) ring = r;
    const out: number[][] = [];
    const { prices, amounts } = this.spec;
    let row: number[] = [];
    for (let i = 0; i < ring.count; i++) {
      const at = ring.index(i);
      const t = barOpenTime(ring.openTime[at]!, timeframe);
      const traded = ring.tradeCount[at]! > 0;
      if (out.length === 0 || row[0] !== t) {
        row = [t, ring.open[at]!, ring.high[at]!, ring.low[at]!, ring.close[at]!, 0, 0, 0, 0];
        out.push(row);
      } else if (traded && row[8] === 0) {
        // Bars without trades only carry the price along: the first traded bar opens the row,
        // as an exchange's longer kline opens at its first trade.
        row[1] = ring.open[at]!;
        row[2] = ring.high[at]!;
        row[3] = ring.low[at]!;
      } else if (traded) {
        row[2] = Math.max(row[2]!, ring.high[at]!);
        row[3] = Math.min(row[3]!, ring.low[at]!);
      }
      if (traded || row[8] === 0) row[4] = ring.close[at]!;
      row[5]! += ring.volume[at]!;
      row[6]! += ring.quoteVolume[at]!;
      row[7]! += ring.takerBuyVolume[at]!;
      row[8]! += ring.tradeCount[at]!;
    }
    for (const r of out) {
      r[5] = amounts.round(r[5]!);
      r[6] = prices.round(r[6]!);
      r[7] = amounts.round(r[7]!);
    }
    return out.length > maxBars ? out.slice(out.length - maxBars) : out;
  }

  /** Rolling 24h open/high/low/volume at `now` from the minute bars, and the last close. O(1440); no allocation. */
  figures24h(now: number, out: Figures24h): void {
    const ring = this.rings[1]!;
    out.last = out.open = out.high = out.low = NaN;
    out.volume = 0;
    const since = now - DAY_MS;
    for (let i = 0; i < ring.count; i++) {
      const at = ring.index(i);
      if (ring.openTime[at]! < since) continue;
      if (out.open !== out.open) {
        out.open = ring.open[at]!;
        out.high = ring.high[at]!;
        out.low = ring.low[at]!;
      }
      if (ring.high[at]! > out.high) out.high = ring.high[at]!;
      if (ring.low[at]! < out.low) out.low = ring.low[at]!;
      out.volume += ring.volume[at]!;
      out.last = ring.close[at]!;
    }
    out.volume = this.spec.amounts.round(out.volume);
  }

  /**
   * Generates `count` bars of `length` ms ending at `from + count·length`, backward from
   * `logClose`; pushes them oldest first. Returns the log-price at `from` (the first open).
   */
  private walkBack(ring: BarRing, from: number, count: number, length: number, logClose: number, volatility: VolatilityProcess): number {
    const { secondVolatility, volumePerSecond, meanTradeSize, prices, amounts, logPriceRange } = this.spec;
    const seconds = length / 1000;
    const center = Math.log(this.spec.startPrice);
    const scratch = new Float64Array(count * 9);
    let c = logClose;
    for (let k = count - 1; k >= 0; k--) {
      volatility.stepStationary(seconds);
      const sd = secondVolatility * volatility.volatilityFactor() * Math.sqrt(seconds);
      const z = this.rng.normal();
      let o = c - sd * z;
      // Reflect at the bounds so the path stays a plausible price.
      if (o > center + logPriceRange) o = 2 * (center + logPriceRange) - o;
      if (o < center - logPriceRange) o = 2 * (center - logPriceRange) - o;
      const open = prices.round(Math.exp(o));
      const close = prices.round(Math.exp(c));
      // Extremes of a Brownian bridge from o to c with variance sd²: exact inverse-CDF draws.
      const spread = (c - o) * (c - o);
      const hi = (o + c + Math.sqrt(spread - 2 * sd * sd * Math.log(this.rng.open01()))) / 2;
      const lo = (o + c - Math.sqrt(spread - 2 * sd * sd * Math.log(this.rng.open01()))) / 2;
      const high = Math.max(prices.round(Math.exp(hi)), open, close);
      const low = Math.max(Math.min(prices.round(Math.exp(lo)), open, close), prices.step);
      // Volume follows activity and the size of the move (busy bars are the ones that move).
      const moved = (1 + Math.abs(z)) / (1 + Math.sqrt(2 / Math.PI));
      // At least one lot: every generated bar has traded (bars without trades are skipped when aggregating).
      const volume = Math.max(amounts.step, amounts.round(volumePerSecond * seconds * volatility.activityFactor() * moved * this.rng.logNormal(1, 0.35) / Math.exp(0.35 * 0.35 / 2)));
      const buyShare = Math.min(0.95, Math.max(0.05, 0.5 + 0.3 * Math.tanh(z)));
      const s = k * 9;
      scratch[s] = from + k * length;
      scratch[s + 1] = open;
      scratch[s + 2] = high;
      scratch[s + 3] = low;
      scratch[s + 4] = close;
      scratch[s + 5] = volume;
      scratch[s + 6] = prices.round((volume * (open + high + low + close)) / 4);
      scratch[s + 7] = amounts.round(volume * buyShare);
      scratch[s + 8] = Math.max(1, Math.round(volume / meanTradeSize));
      c = o;
    }
    for (let k = 0; k < count; k++) {
      const s = k * 9;
      ring.push(scratch[s]!, scratch[s + 1]!, scratch[s + 2]!, scratch[s + 3]!, scratch[s + 4]!, scratch[s + 5]!, scratch[s + 6]!, scratch[s + 7]!, scratch[s + 8]!);
    }
    return c;
  }
}

/** Appends `finer`'s bars to `coarser`, aggregated to its length. O(finer bars); no allocation. */
function aggregateInto(finer: BarRing, coarser: BarRing): void {
  for (let i = 0; i < finer.count; i++) {
    const at = finer.index(i);
    const t = finer.openTime[at]!;
    const open = t - (t % coarser.lengthMs);
    if (open > coarser.newestOpenTime()) {
      coarser.push(open, finer.open[at]!, finer.high[at]!, finer.low[at]!, finer.close[at]!, 0, 0, 0, 0);
    }
    const c = coarser.index(coarser.count - 1);
    if (finer.high[at]! > coarser.high[c]!) coarser.high[c] = finer.high[at]!;
    if (finer.low[at]! < coarser.low[c]!) coarser.low[c] = finer.low[at]!;
    coarser.close[c] = finer.close[at]!;
    coarser.volume[c]! += finer.volume[at]!;
    coarser.quoteVolume[c]! += finer.quoteVolume[at]!;
    coarser.takerBuyVolume[c]! += finer.takerBuyVolume[at]!;
    coarser.tradeCount[c]! += finer.tradeCount[at]!;
  }
}
