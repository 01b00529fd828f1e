/**
 * Relative strength index with Wilder's smoothing (TradingView `ta.rsi`, TA-Lib `RSI`).
 *
 * Changes d = x − previous x; gain = max(d, 0), loss = max(−d, 0). The first averages are the
 * plain means of the first `period` changes; then avg ← (avg·(period−1) + new)/period. So RSI is
 * defined from bar index `period` on (the period+1-th bar), NaN before.
 * RSI = 100·avgGain/(avgGain+avgLoss), i.e. 100 − 100/(1+RS); as in TradingView it is 100 when
 * avgLoss is 0 (also for a flat series; TA-Lib gives 0 there) and 0 when only avgGain is 0.
 * O(1) per update and commit; no allocation.
 */
import { resolveOptionsOf, type PartialOptionsOf, type RsiOptions } from './indicatorOptions';
import { ValueIndicator } from './valueIndicator';

export class Rsi extends ValueIndicator<Readonly<RsiOptions>> {
  static readonly OUTPUTS = ['rsi'] as const;
  private readonly period: number;
  /** Last closed input; NaN before the first commit. */
  private previous = NaN;
  /** Changes committed. */
  private changes = 0;
  /** Sums of gains and losses while fewer than `period` changes are committed. */
  private gainSum = 0;
  private lossSum = 0;
  /** Wilder averages after the last committed change (valid once `period` changes are in). */
  private avgGain = NaN;
  private avgLoss = NaN;
  /** Averages the live bar would give; set by computeLive, committed as they are. */
  private liveGain = NaN;
  private liveLoss = NaN;

  /** Throws IndicatorOptionsError for bad options. Allocates the ring. */
  constructor(options: PartialOptionsOf<'rsi'> = {}) {
    const o = resolveOptionsOf('rsi', options);
    super(Rsi.OUTPUTS, o, { name: 'RSI', params: o.period, warmupBars: o.period + 1 });
    this.period = o.period;
  }

  override reset(): void {
    super.reset();
    this.previous = NaN;
    this.changes = 0;
    this.gainSum = 0;
    this.lossSum = 0;
    this.avgGain = NaN;
    this.avgLoss = NaN;
    this.liveGain = NaN;
    this.liveLoss = NaN;
  }

  protected computeLive(): void {
    this.liveGain = NaN;
    this.liveLoss = NaN;
    if (!Number.isNaN(this.previous) && this.changes >= this.period - 1) {
      const change = this.live - this.previous;
      const gain = change > 0 ? change : 0;
      const loss = change < 0 ? -change : 0;
      const n = this.period;
      if (this.changes === n - 1) {
        this.liveGain = (this.gainSum + gain) / n;
        this.liveLoss = (this.lossSum + loss) / n;
      } else {
        this.liveGain = (this.avgGain * (n - 1) + gain) / n;
        this.liveLoss = (this.avgLoss * (n - 1) + loss) / n;
      }
    }
    this.writeLive(0, rsiOf(this.liveGain, this.liveLoss));
  }

  protected override commitLive(): void {
    if (!Number.isNaN(this.previous)) {
      if (this.changes < this.period - 1) {
        const change = this.live - this.previous;
        if (change > 0) this.gainSum += change;
        else this.lossSum -= change;
      } else {
        this.avgGain = this.liveGain;
        this.avgLoss = this.liveLoss;
      }
      this.changes++;
    }
    this.previous = this.live;
  }
}

function rsiOf(avgGain: number, avgLoss: number): number {
  if (Number.isNaN(avgGain)) return NaN;
  if (avgLoss === 0) return 100;
  if (avgGain === 0) return 0;
  return (100 * avgGain) / (avgGain + avgLoss);
}
