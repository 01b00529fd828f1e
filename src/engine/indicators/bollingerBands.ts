/**
 * Bollinger Bands (TradingView `ta.bb`, TA-Lib `BBANDS`): middle = SMA(period), upper/lower =
 * middle ± multiplier·σ with σ the population standard deviation of the same `period` inputs.
 * Defined from the `period`-th bar on (index period−1), NaN before. σ itself is readable too
 * ({@link BollingerBands.stdevAt}).
 *
 * Accuracy: prices near 60000 with a σ of 1e-6 would lose everything to cancellation in Σx²/n −
 * mean². So the sums are kept of t = x − K, K a reference price that is always one of the window's
 * inputs: S1 = Σt, S2 = Σt², mean = K + S1/n, σ² = S2/n − (S1/n)². Because K is in the window,
 * (S1/n)² ≤ (n−1)·σ², which bounds the cancellation. The window is re-summed exactly (with K moved
 * to the newest input) every period−1 commits, and earlier when a running bound on the rounding
 * error of σ² exceeds 1e-10 of σ² (this happens when a large move leaves the window and σ
 * collapses). σ is then within ~1e-10 relative of the exact value (0 exactly for a flat window).
 *
 * Cost: O(1) per update; a commit is O(1) plus O(period) re-sums: one per period−1 commits, and
 * one per collapse of σ by more than ~1e5× (a move entered and then left the window). Right after
 * a re-sum the bound is at most ~8·2^-53·period of σ², under the trigger for any period ≤
 * MAX_PERIOD, so re-sums do not cascade: amortized O(1) (measured on 200k-bar random walks, tiny
 * noise and flat series: only the periodic re-sums, plus one per price step). No allocation.
 */
import { resolveOptionsOf, type BollingerOptions, type PartialOptionsOf } from './indicatorOptions';
import { SlidingWindow } from './slidingWindow';
import { ValueIndicator } from './valueIndicator';

/** Unit roundoff of a double. */
const U = Number.EPSILON / 2;
/** Re-sum when the error bound of σ² exceeds this fraction of it. */
const VARIANCE_TOLERANCE = 1e-10;
const STDEV_COLUMN = 3;

export class BollingerBands extends ValueIndicator<Readonly<BollingerOptions>> {
  static readonly OUTPUTS = ['middle', 'upper', 'lower'] as const;
  private readonly period: number;
  private readonly multiplier: number;
  /** The last period−1 closed inputs. */
  private readonly window: SlidingWindow;
  /** Reference price K and the sums of (x−K) and (x−K)² over the window. */
  private reference = 0;
  private s1 = 0;
  private s2 = 0;
  /** Bounds on the rounding error accumulated in s1 and s2 since the last re-sum. */
  private error1 = 0;
  private error2 = 0;
  private commitsSinceResum = 0;

  /** Throws IndicatorOptionsError for bad options. Allocates the ring and the window. */
  constructor(options: PartialOptionsOf<'bollinger'> = {}) {
    const o = resolveOptionsOf('bollinger', options);
    super(BollingerBands.OUTPUTS, o, { name: 'BB', params: `${o.period},${o.multiplier}`, warmupBars: o.period }, 1);
    this.period = o.period;
    this.multiplier = o.multiplier;
    this.window = new SlidingWindow(o.period - 1);
  }

  /** Population standard deviation at bar `seq`; NaN when not defined or not held. O(1). */
  stdevAt(seq: number): number {
    return this.read(seq, STDEV_COLUMN);
  }

  /** Population standard deviation of the newest bar; NaN when not defined. O(1). */
  latestStdev(): number {
    return this.read(this.lastSeq, STDEV_COLUMN);
  }

  override reset(): void {
    super.reset();
    this.window.clear();
    this.reference = 0;
    this.s1 = 0;
    this.s2 = 0;
    this.error1 = 0;
    this.error2 = 0;
    this.commitsSinceResum = 0;
  }

  protected computeLive(): void {
    if (this.window.count < this.period - 1) {
      this.writeLive(0, NaN);
      this.writeLive(1, NaN);
      this.writeLive(2, NaN);
      this.writeLive(STDEV_COLUMN, NaN);
      return;
    }
    const n = this.period;
    const t = this.live - this.reference;
    const offset = (this.s1 + t) / n;
    const variance = (this.s2 + t * t) / n - offset * offset;
    const stdev = variance > 0 ? Math.sqrt(variance) : 0;
    const middle = this.reference + offset;
    this.writeLive(0, middle);
    this.writeLive(1, middle + this.multiplier * stdev);
    this.writeLive(2, middle - this.multiplier * stdev);
    this.writeLive(STDEV_COLUMN, stdev);
  }

  protected override commitLive(): void {
    if (this.window.size === 0) return;
    const x = this.live;
    if (this.window.count === 0) {
      this.reference = x;
      this.commitsSinceResum = 0;
    }
    this.add(x - this.reference, 1);
    const evicted = this.window.push(x);
    if (!Number.isNaN(evicted)) this.add(evicted - this.reference, -1);
    if (++this.commitsSinceResum >= this.window.size || this.varianceIsInexact()) this.resum();
  }

  /** Adds (sign 1) or removes (sign −1) a term t = x − K, tracking the rounding error. */
  private add(t: number, sign: 1 | -1): void {
    const square = t * t;
    this.s1 += sign * t;
    this.s2 += sign * square;
    this.error1 += U * (Math.abs(this.s1) + Math.abs(t));
    this.error2 += U * (Math.abs(this.s2) + 3 * square);
  }

  /** True when the error bound of the window's σ² exceeds VARIANCE_TOLERANCE of it. */
  private varianceIsInexact(): boolean {
    const count = this.window.count;
    const offset = this.s1 / count;
    const meanSquare = this.s2 / count;
    const variance = meanSquare - offset * offset;
    const bound =
      (this.error2 + 2 * Math.abs(offset) * this.error1) / count + 4 * U * (Math.abs(meanSquare) + offset * offset);
    return bound > VARIANCE_TOLERANCE * variance;
  }

  /** Exact re-sum with K moved to the newest input. O(period). */
  private resum(): void {
    const k = this.window.newest();
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < this.window.count; i++) {
      const t = this.window.at(i) - k;
      s1 += t;
      s2 += t * t;
    }
    this.reference = k;
    this.s1 = s1;
    this.s2 = s2;
    this.error1 = 0;
    this.error2 = 0;
    this.commitsSinceResum = 0;
  }
}
