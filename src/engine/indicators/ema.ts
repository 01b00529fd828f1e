/**
 * Exponential moving average, alpha = 2/(period+1), seeded with the SMA of the first `period`
 * inputs: defined from the `period`-th bar on (index period-1), NaN before (TradingView `ta.ema`,
 * TA-Lib `EMA`). O(1) per update and commit; no allocation.
 */
import { resolveOptionsOf, type EmaOptions, type PartialOptionsOf } from './indicatorOptions';
import { EmaCore } from './emaCore';
import { ValueIndicator } from './valueIndicator';

export class Ema extends ValueIndicator {
  static readonly OUTPUTS = ['ema'] as const;
  readonly options: Readonly<EmaOptions>;
  readonly label: string;
  readonly warmupBars: number;
  private readonly core: EmaCore;

  /** Throws IndicatorOptionsError for bad options. Allocates the ring. */
  constructor(options: PartialOptionsOf<'ema'> = {}) {
    const o = resolveOptionsOf('ema', options);
    super(Ema.OUTPUTS, o.source, o.capacity);
    this.options = o;
    this.label = o.source === 'close' ? `EMA(${o.period})` : `EMA(${o.period}, ${o.source})`;
    this.warmupBars = o.period;
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
