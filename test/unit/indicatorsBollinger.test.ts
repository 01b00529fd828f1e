/**
 * Bollinger Bands against an exact reference: each window's mean and population variance are
 * computed in rational arithmetic (BigInt) from the doubles' exact values, then rounded once, so
 * the reference itself has no cancellation error even at 60000 ± 1e-7.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BollingerBands } from '../../src/engine/indicators/bollingerBands';

const REL = 1e-9;

/** x = mantissa · 2^exponent exactly. */
function exactParts(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n === 1n ? -1n : 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biased === 0) return { mantissa: sign * fraction, exponent: -1074 };
  return { mantissa: sign * (fraction | (1n << 52n)), exponent: biased - 1075 };
}

/** Exact mean and population standard deviation of `xs`, each rounded once to a double. */
function exactStats(xs: number[]): { mean: number; stdev: number } {
  const parts = xs.map(exactParts);
  const base = Math.min(...parts.map((p) => p.exponent));
  const q = parts.map((p) => p.mantissa << BigInt(p.exponent - base));
  const n = BigInt(xs.length);
  const sum = q.reduce((a, b) => a + b, 0n);
  const sumSquares = q.reduce((a, b) => a + b * b, 0n);
  const mean = (Number(sum) / Number(n)) * 2 ** base;
  const varianceScaled = n * sumSquares - sum * sum; // = n² · variance / 2^(2·base)
  const stdev = Math.sqrt((Number(varianceScaled) / Number(n * n)) * 2 ** (2 * base));
  return { mean, stdev };
}

/** Reference outputs [middle, upper, lower, stdev] for the window ending at each bar. */
function referenceAt(xs: number[], i: number, n: number, k: number): number[] {
  if (i < n - 1) return [NaN, NaN, NaN, NaN];
  const { mean, stdev } = exactStats(xs.slice(i - n + 1, i + 1));
  return [mean, mean + k * stdev, mean - k * stdev, stdev];
}

function expectRelative(actual: number, expected: number, what: string): void {
  if (Number.isNaN(expected)) {
    expect(actual, `${what}: expected NaN`).toBeNaN();
    return;
  }
  // Relative to the value itself: a σ of 0 must come out exactly 0.
  if (!(Math.abs(actual - expected) <= REL * Math.abs(expected))) {
    expect.fail(`${what}: got ${actual}, expected ${expected}`);
  }
}

function expectBar(bb: BollingerBands, seq: number, want: number[], what: string): void {
  for (let o = 0; o < 3; o++) expectRelative(bb.valueAt(seq, o), want[o]!, `${what} ${bb.outputs[o]}`);
  expectRelative(bb.stdevAt(seq), want[3]!, `${what} stdev`);
}

interface Step {
  /** 0: replace the live bar; 1: next bar; more: skipped seqs. */
  advance: number;
  value: number;
}

/**
 * Feeds the steps (seqs from `startSeq`), checking the live bar after every step against the
 * reference over the bars' final values so far, then every seq of the ring at the end.
 */
function runSteps(steps: Step[], n: number, k: number, capacity: number, startSeq = 0): void {
  const bb = new BollingerBands({ period: n, multiplier: k, capacity });
  const seqs: number[] = [];
  const xs: number[] = [];
  for (const step of steps) {
    const last = seqs.length - 1;
    const seq = last < 0 ? startSeq : seqs[last]! + step.advance;
    expect(bb.update(seq, step.value)).toBe(true);
    if (last >= 0 && seqs[last] === seq) xs[last] = step.value;
    else {
      seqs.push(seq);
      xs.push(step.value);
    }
    expectBar(bb, seq, referenceAt(xs, xs.length - 1, n, k), `live seq ${seq}`);
    expectRelative(bb.latestStdev(), referenceAt(xs, xs.length - 1, n, k)[3]!, 'latestStdev');
  }
  const lastSeq = seqs.at(-1)!;
  const index = new Map(seqs.map((s, i) => [s, i]));
  for (let seq = seqs[0]! - 1; seq <= lastSeq + 1; seq++) {
    const i = index.get(seq);
    const held = i !== undefined && seq > lastSeq - capacity;
    expectBar(bb, seq, held ? referenceAt(xs, i, n, k) : [NaN, NaN, NaN, NaN], `ring seq ${seq}`);
  }
}

const advanceArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(0) },
  { weight: 5, arbitrary: fc.constant(1) },
  { weight: 1, arbitrary: fc.integer({ min: 2, max: 4 }) },
);

describe('Bollinger Bands match the exact reference', () => {
  it('on random walks, with live-bar updates, skipped seqs and ring wrap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ advance: advanceArb, move: fc.double({ min: -0.05, max: 0.05, noNaN: true }) }), {
          minLength: 1,
          maxLength: 150,
          size: 'max',
        }),
        fc.double({ min: 1, max: 100_000, noNaN: true }),
        fc.integer({ min: 1, max: 25 }),
        fc.double({ min: 0.5, max: 3, noNaN: true }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: -50, max: 2 ** 40 }),
        (ops, start, n, k, capacity, startSeq) => {
          let price = start;
          const steps = ops.map((op) => ({ advance: op.advance, value: (price *= 1 + op.move) }));
          runSteps(steps, n, k, capacity, startSeq);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('on prices near 60000 with tiny variance, flat stretches and jumps', () => {
    type Regime = { kind: 'noise'; scale: number } | { kind: 'flat' } | { kind: 'jump'; by: number };
    const regimeArb: fc.Arbitrary<Regime> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.integer({ min: -9, max: 0 }).map((e) => ({ kind: 'noise' as const, scale: 10 ** e })),
      },
      { weight: 2, arbitrary: fc.constant({ kind: 'flat' as const }) },
      {
        weight: 1,
        arbitrary: fc.double({ min: -2000, max: 2000, noNaN: true }).map((by) => ({ kind: 'jump' as const, by })),
      },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(regimeArb, fc.integer({ min: 1, max: 300 })), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        (regimes, n, seed) => {
          let state = seed;
          const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
          let level = 60_000;
          const steps: Step[] = [];
          for (const [regime, length] of regimes) {
            if (regime.kind === 'jump') level += regime.by;
            for (let i = 0; i < length; i++) {
              const noise = regime.kind === 'noise' ? (random() - 0.5) * regime.scale : 0;
              const advance = steps.length === 0 ? 0 : random() < 0.3 ? 0 : 1;
              steps.push({ advance, value: level + noise });
            }
          }
          runSteps(steps, n, 2, steps.length + 1);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('on values spanning 15 orders of magnitude', () => {
    const magnitude = fc
      .tuple(fc.integer({ min: -3, max: 12 }), fc.double({ min: 1, max: 10, noNaN: true }))
      .map(([e, m]) => m * 10 ** e);
    fc.assert(
      fc.property(
        fc.array(fc.record({ advance: advanceArb, value: magnitude }), { minLength: 1, maxLength: 150, size: 'max' }),
        fc.integer({ min: 1, max: 20 }),
        (steps, n) => runSteps(steps, n, 2, 200),
      ),
      { numRuns: 60 },
    );
  });
});

describe('Bollinger Bands edge cases', () => {
  it('a flat window has σ exactly 0 and bands equal to the middle, also right after a jump leaves', () => {
    const bb = new BollingerBands({ period: 5 });
    const xs = [60000.1, 60000.2, 59000.3, 60000.4, 61000, 61000, 61000, 61000, 61000, 61000];
    xs.forEach((x, seq) => bb.update(seq, x));
    expect(bb.latestStdev()).toBe(0);
    expect(bb.latest(0)).toBe(61000);
    expect(bb.latest(1)).toBe(61000);
    expect(bb.latest(2)).toBe(61000);
  });

  it('period 1: σ is 0 and the middle is the input', () => {
    const bb = new BollingerBands({ period: 1, capacity: 4 });
    [5, 7.25, 60000.000001].forEach((x, seq) => {
      bb.update(seq, x);
      expect(bb.latest(0)).toBe(x);
      expect(bb.latestStdev()).toBe(0);
    });
  });

  it('refuses non-finite values and older seqs without changing the bands', () => {
    const bb = new BollingerBands({ period: 3 });
    [1, 2, 4].forEach((x, seq) => bb.update(seq, x));
    const before = [bb.latest(0), bb.latest(1), bb.latest(2), bb.latestStdev()];
    expect(bb.update(2, NaN)).toBe(false);
    expect(bb.update(3, -Infinity)).toBe(false);
    expect(bb.update(1, 3)).toBe(false);
    expect(bb.rejected).toBe(3);
    expect([bb.latest(0), bb.latest(1), bb.latest(2), bb.latestStdev()]).toEqual(before);
    expect(bb.lastSeq).toBe(2);
  });
});
