/**
 * Linearly weighted moving average: weights 1..period, the newest input weighing `period`,
 * divided by period·(period+1)/2. Defined from the `period`-th bar on (index period-1), NaN
 * before (TradingView `ta.wma`, TA-Lib `WMA`).
 *
 * O(1) through two running sums over the last period-1 closed inputs: their plain sum S and their
 * weighted sum W (newest weight period-1). Committing x lowers every weight by one and adds x at
 * weight period-1: W ← W − S + (period−1)·x, then S gains x and loses the input whose weight fell
 * to 0. Both sums are compensated and the products exact (see compensatedSum.ts), so they do not
 * drift and a spike leaving the window leaves no trace: strict O(1) per update and commit, no
 * allocation.
 */
import { resolveOptionsOf, type PartialOptionsOf, type WmaOptions } from './indicatorOptions';
import { CompensatedSum } from './compensatedSum';
import { SummedWindow } from './summedWindow';
import { ValueIndicator } from './valueIndicator';

export class Wma extends ValueIndicator<Readonly<WmaOptions>> {
  static readonly OUTPUTS = ['wma'] as const;
  private readonly period: number;
  private readonly divisor: number;
  /** The last period-1 closed inputs and their plain sum S. */
  private readonly window: SummedWindow;
  /** Their weighted sum W. */
  private readonly weightedSum = new CompensatedSum();

  /** Throws IndicatorOptionsError for bad options. Allocates the ring and the window. */
  constructor(options: PartialOptionsOf<'wma'> = {}) {
    const o = resolveOptionsOf('wma', options);
    super(Wma.OUTPUTS, o, { name: 'WMA', params: o.period, warmupBars: o.period });
    this.period = o.period;
    this.divisor = (o.period * (o.period + 1)) / 2;
    this.window = new SummedWindow(o.period - 1);
  }

  override reset(): void {
    super.reset();
    this.window.clear();
    this.weightedSum.clear();
  }

  protected computeLive(): void {
    const ready = this.window.count === this.period - 1;
    this.writeLive(0, ready ? (this.weightedSum.value + this.period * this.live) / this.divisor : NaN);
  }

  protected override commitLive(): void {
    const x = this.live;
    this.weightedSum.subtract(this.window.sum);
    this.weightedSum.addScaled(this.period - 1, x);
    this.window.push(x);
  }
}
