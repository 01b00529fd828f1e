/**
 * A seeded pseudo-random generator (sfc32, 128-bit state) with the few distributions the
 * simulator draws from. Integer arithmetic only for the state, so a seed gives the same stream
 * on every run; the distributions use `Math.log`/`Math.sqrt`, which are deterministic within
 * one JavaScript engine.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Second normal of the last polar draw (the method yields two). */
  private spareNormal = 0;
  private hasSpare = false;

  /** `seed`: any number; its integer part modulo 2^32 is used (NaN counts as 0). O(1). */
  constructor(seed: number) {
    // splitmix32 spreads a small seed over the whole state; sfc32 needs no other warm-up.
    let s = Number.isFinite(seed) ? Math.trunc(seed) >>> 0 : 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Uniform 32-bit unsigned integer. O(1); no allocation. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). O(1); no allocation. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in (0, 1): never 0, so safe under `Math.log`. O(1); no allocation. */
  open01(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Uniform integer in [0, n). O(1); no allocation. */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Marsaglia's polar method). O(1) expected; no allocation. */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spareNormal;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    this.hasSpare = true;
    return u * f;
  }

  /** Exponential with the given mean (Poisson inter-arrival times). O(1); no allocation. */
  exponential(mean: number): number {
    return -mean * Math.log(this.open01());
  }

  /** Log-normal: `median · exp(sigma · N(0,1))`. O(1); no allocation. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}
