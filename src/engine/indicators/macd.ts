/**
 * MACD (TradingView `ta.macd`): macd = EMA(fast) − EMA(slow) of the input, signal = EMA(signal)
 * of macd, histogram = macd − signal. Each EMA is seeded with the SMA of its first inputs (see
 * emaCore.ts), the signal EMA over the defined macd values only. So macd is defined from bar index
 * slow−1 on and signal and histogram from index slow+signal−2 on (33 for 12/26/9, as TA-Lib's
 * lookback). TA-Lib's `MACD` also seeds the fast EMA at index slow−1, so its first macd values
 * differ slightly from these and converge. O(1) per update and commit; no allocation.
 */
import { resolveOptionsOf, type MacdOptions, type PartialOptionsOf } from './indicatorOptions';
import { EmaCore } from './emaCore';
import { ValueIndicator } from './valueIndicator';

export class Macd extends ValueIndicator<Readonly<MacdOptions>> {
  static readonly OUTPUTS = ['macd', 'signal', 'histogram'] as const;
  private readonly fast: EmaCore;
  private readonly slow: EmaCore;
  private readonly signal: EmaCore;
  /** The live bar's macd (NaN during warm-up), committed into the signal EMA. */
  private liveMacd = NaN;

  /** Throws IndicatorOptionsError for bad options (also when fast ≥ slow). Allocates the ring. */
  constructor(options: PartialOptionsOf<'macd'> = {}) {
    const o = resolveOptionsOf('macd', options);
    super(Macd.OUTPUTS, o, { name: 'MACD', params: `${o.fast},${o.slow},${o.signal}`, warmupBars: o.slow + o.signal - 1 });
    this.fast = new EmaCore(o.fast);
    this.slow = new EmaCore(o.slow);
    this.signal = new EmaCore(o.signal);
  }

  override reset(): void {
    super.reset();
    this.fast.reset();
    this.slow.reset();
    this.signal.reset();
    this.liveMacd = NaN;
  }

  protected computeLive(): void {
    const macd = this.fast.peek(this.live) - this.slow.peek(this.live);
    const signal = Number.isNaN(macd) ? NaN : this.signal.peek(macd);
    this.liveMacd = macd;
    this.writeLive(0, macd);
    this.writeLive(1, signal);
    this.writeLive(2, macd - signal);
  }

  protected override commitLive(): void {
    this.fast.push(this.live);
    this.slow.push(this.live);
    if (!Number.isNaN(this.liveMacd)) this.signal.push(this.liveMacd);
  }
}
