import { EngineError } from '../../engine/engineError';

/**
 * A grid of decimal steps (price ticks, amount lots). The simulator counts in whole steps and
 * converts only when it writes an event, dividing by the integer steps-per-unit: `1234 / 100`
 * is the same double as the decimal `12.34` an exchange would send, so no float drift reaches
 * the book.
 */
export class DecimalGrid {
  /** Steps per unit when the step is a unit fraction (0.01 → 100), else 0. */
  private readonly perUnit: number;

  /**
   * `step` must be a positive integer or a unit fraction (1 / integer), e.g. 0.01, 0.5, 1, 5.
   * Throws EngineError('badParameter') otherwise (configuration, not events).
   */
  constructor(readonly step: number) {
    if (!(step > 0 && step < Infinity)) throw new EngineError('badParameter', `grid step must be a positive number, got ${String(step)}`);
    const inverse = Math.round(1 / step);
    if (step < 1 && inverse <= 1e9 && Math.abs(1 / step - inverse) <= 1e-9 * inverse) {
      this.perUnit = inverse;
    } else if (step >= 1 && Number.isInteger(step)) {
      this.perUnit = 0;
    } else {
      throw new EngineError('badParameter', `grid step ${step} is neither an integer nor 1/integer`);
    }
  }

  /** Value of `steps` whole steps. O(1); no allocation. */
  value(steps: number): number {
    return this.perUnit > 0 ? steps / this.perUnit : steps * this.step;
  }

  /** Nearest whole number of steps to `value`. O(1); no allocation. */
  steps(value: number): number {
    return this.perUnit > 0 ? Math.round(value * this.perUnit) : Math.round(value / this.step);
  }

  /** `value` rounded to the grid. O(1); no allocation. */
  round(value: number): number {
    return this.value(this.steps(value));
  }

  /** Decimals needed to print a grid value exactly. O(1). */
  decimals(): number {
    let d = 0;
    while (d < 12 && Math.abs(Math.round(this.step * 10 ** d) - this.step * 10 ** d) > 1e-9) d++;
    return d;
  }
}
