import type { SeededRandom } from './seededRandom';

/** Shape of the volatility process; see {@link VolatilityProcess}. */
export interface VolatilityShape {
  /** e-folding time of a volatility shock, seconds. Minutes to an hour, as in real markets. */
  persistenceSeconds: number;
  /** Stationary standard deviation of log-volatility. 0.5 means calm and busy spells differ ~3×. */
  logSd: number;
  /** Share of the innovation variance that comes from the market's own moves (EGARCH feedback). */
  feedbackShare: number;
  /** Elasticity of order activity to volatility: busy markets are volatile markets. */
  activityElasticity: number;
}

export const DEFAULT_VOLATILITY_SHAPE: Readonly<VolatilityShape> = {
  persistenceSeconds: 1200,
  logSd: 0.55,
  feedbackShare: 0.4,
  activityElasticity: 0.8,
};

/** E|Z| for a standard normal Z. */
const MEAN_ABS_NORMAL = Math.sqrt(2 / Math.PI);

/**
 * Clustered volatility: log-volatility `x` is an AR(1) stepped once per second, driven partly by
 * the size of the last second's own price shock (EGARCH(1,1): big moves raise volatility, which
 * then decays over `persistenceSeconds`) and partly by independent noise. The two parts are scaled so that `x` has mean 0 and standard deviation `logSd`.
 *
 * `volatilityFactor()` multiplies the average volatility (its square has mean 1, so the average
 * variance is what the options say); `activityFactor()` multiplies order arrival rates (mean 1).
 */
export class VolatilityProcess {
  /** Log-volatility deviation from its mean (set through the methods, which keep the factors in step). */
  x = 0;
  private readonly phi: number;
  private readonly feedback: number;
  private readonly noise: number;
  private readonly bound: number;
  private volFactor = 1;
  private actFactor = 1;

  /** Starts at average volatility (x = 0). The caller validates `shape`. O(1). */
  constructor(
    readonly shape: Readonly<VolatilityShape>,
    private readonly rng: SeededRandom,
  ) {
    this.phi = Math.exp(-1 / shape.persistenceSeconds);
    const innovationVar = shape.logSd * shape.logSd * (1 - this.phi * this.phi);
    this.feedback = Math.sqrt((shape.feedbackShare * innovationVar) / (1 - MEAN_ABS_NORMAL * MEAN_ABS_NORMAL));
    this.noise = Math.sqrt((1 - shape.feedbackShare) * innovationVar);
    this.bound = 4 * shape.logSd;
    this.refresh();
  }

  /** Starts from log-volatility `x` (another process's state). O(1); no allocation. */
  restart(x: number): void {
    this.set(x);
  }

  /** Starts from a draw of the stationary distribution. O(1); no allocation. */
  drawStationary(): void {
    this.set(this.shape.logSd * this.rng.normal());
  }

  /** One second passed; `shock` is that second's standardized price move. O(1); no allocation. */
  stepSecond(shock: number): void {
    this.set(this.phi * this.x + this.feedback * (Math.abs(shock) - MEAN_ABS_NORMAL) + this.noise * this.rng.normal());
  }

  /**
   * `seconds` passed without feedback (coarse history): the exact stationary AR(1) step. The
   * chain is reversible, so the same step also walks backward in time. O(1); no allocation.
   */
  stepStationary(seconds: number): void {
    const decay = Math.pow(this.phi, seconds);
    this.set(decay * this.x + this.shape.logSd * Math.sqrt(1 - decay * decay) * this.rng.normal());
  }

  /** Volatility relative to average; E[factor²] = 1. O(1); no allocation. */
  volatilityFactor(): number {
    return this.volFactor;
  }

  /** Order activity relative to average; E[factor] = 1. O(1); no allocation. */
  activityFactor(): number {
    return this.actFactor;
  }

  private set(x: number): void {
    this.x = x > this.bound ? this.bound : x < -this.bound ? -this.bound : x;
    this.refresh();
  }

  private refresh(): void {
    const sd = this.shape.logSd;
    const a = this.shape.activityElasticity;
    this.volFactor = Math.exp(this.x - sd * sd);
    this.actFactor = Math.exp(a * this.x - (a * a * sd * sd) / 2);
  }
}
