/**
 * Exponential moving average, alpha = 2/(period+1), seeded with the SMA of the first `period`
 * inputs: defined from the `period`-th bar on (index period-1), NaN before (TradingView `ta.ema`,
 * TA-Lib `EMA`). O(1) per update and commit; no allocation.
 */
import { resolveOptionsOf, type EmaOptions, type PartialOptionsOf } from './indicatorOptions';
import { EmaCore } from './emaCore';
import { ValueIndicator } from './valueIndicator';

export class Ema extends ValueIndicator<Readonly<EmaOptions>> {
  static readonly OUTPUTS = ['ema'] as const;
  private readonly core: EmaCore;

  /** Throws IndicatorOptionsError for bad options. Allocates the ring. */
  constructor(options: PartialOptionsOf<'ema'> = {}) {
    const o = resolveOptionsOf('ema', options);
    super(Ema.OUTPUTS, o, { name: 'EMA', params: o.period, warmupBars: o.period });
    this.core = new EmaCore(o.period);
  }

  override reset(): void {
    super.reset();
    this.core.reset();
  }

  protected computeLive(): void {
    this.writeLive(0, this.core.peek(this.live));
  }

  protected override commitLive(): void {
    this.core.push(this.live);
  }
}
