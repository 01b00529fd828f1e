/**
 * Simple moving average: the mean of the last `period` inputs. Defined from the `period`-th bar on
 * (index period-1), NaN before, as in TradingView's `ta.sma` and TA-Lib's `SMA`.
 *
 * Cost: O(1) per update and per commit; the running sum is compensated (see compensatedSum.ts), so
 * it does not drift and a spike leaving the window leaves no trace. No allocation.
 */
import { resolveOptionsOf, type PartialOptionsOf, type SmaOptions } from './indicatorOptions';
import { SummedWindow } from './summedWindow';
import { ValueIndicator } from './valueIndicator';

export class Sma extends ValueIndicator<Readonly<SmaOptions>> {
  static readonly OUTPUTS = ['sma'] as const;
  private readonly period: number;
  /** The last period-1 closed inputs and their sum. */
  private readonly window: SummedWindow;

  /** Throws IndicatorOptionsError for bad options. Allocates the ring and the window. */
  constructor(options: PartialOptionsOf<'sma'> = {}) {
    const o = resolveOptionsOf('sma', options);
    super(Sma.OUTPUTS, o, { name: 'SMA', params: o.period, warmupBars: o.period });
    this.period = o.period;
    this.window = new SummedWindow(o.period - 1);
  }

  override reset(): void {
    super.reset();
    this.window.clear();
  }

  protected computeLive(): void {
    const ready = this.window.count === this.period - 1;
    this.writeLive(0, ready ? (this.window.sum.value + this.live) / this.period : NaN);
  }

  protected override commitLive(): void {
    this.window.push(this.live);
  }
}
