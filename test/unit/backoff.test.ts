import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { backoffDelay, checkBackoffOptions, DEFAULT_BACKOFF_OPTIONS, type BackoffOptions } from '../../src/feeds/backoff';

/** Plain reference: repeated multiplication, then the jitter scale, both capped at max. */
function referenceDelay(attempt: number, o: BackoffOptions, r: number): number {
  let delay = o.baseMs;
  for (let i = 1; i < attempt && delay < o.maxMs; i++) delay *= o.factor;
  delay = Math.min(delay, o.maxMs);
  return Math.min(o.maxMs, Math.round(delay * (1 + o.jitter * (2 * r - 1))));
}

const optionsArb = fc
  .record({
    baseMs: fc.integer({ min: 1, max: 5000 }),
    factor: fc.double({ min: 1, max: 4, noNaN: true }),
    extra: fc.integer({ min: 0, max: 100_000 }),
    jitter: fc.double({ min: 0, max: 0.99, noNaN: true }),
  })
  .map(({ baseMs, factor, extra, jitter }) => ({ baseMs, factor, maxMs: baseMs + extra, jitter }));

describe('backoffDelay', () => {
  test('equals the plain reference for any options, attempt and random draw', () => {
    fc.assert(
      fc.property(optionsArb, fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (options, attempt, r) => {
        // pow and repeated multiplication may round differently at a .5 boundary
        expect(Math.abs(backoffDelay(attempt, options, () => r) - referenceDelay(attempt, options, r))).toBeLessThanOrEqual(1);
      }),
    );
  });

  test('without jitter it doubles from the base and stops at the ceiling', () => {
    const options = { baseMs: 100, factor: 2, maxMs: 1000, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6, 50].map((a) => backoffDelay(a, options))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  test('jitter spreads delays within ±jitter and never above the ceiling', () => {
    const options = { ...DEFAULT_BACKOFF_OPTIONS, jitter: 0.25 };
    const delays = Array.from({ length: 500 }, () => backoffDelay(3, options));
    const raw = options.baseMs * 4;
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(raw * 0.75 - 1);
    expect(Math.max(...delays)).toBeLessThanOrEqual(raw * 1.25 + 1);
    expect(new Set(delays).size).toBeGreaterThan(50);
    for (let i = 0; i < 200; i++) expect(backoffDelay(100, options)).toBeLessThanOrEqual(options.maxMs);
  });

  test('rejects attempts that are not integers ≥ 1 and bad options', () => {
    for (const attempt of [0, -1, 1.5, NaN, Infinity]) expect(() => backoffDelay(attempt, DEFAULT_BACKOFF_OPTIONS)).toThrow(RangeError);
    expect(() => checkBackoffOptions(DEFAULT_BACKOFF_OPTIONS)).not.toThrow();
    expect(() => checkBackoffOptions({ ...DEFAULT_BACKOFF_OPTIONS, baseMs: 0 })).toThrow(/baseMs/);
    expect(() => checkBackoffOptions({ ...DEFAULT_BACKOFF_OPTIONS, factor: 0.5 })).toThrow(/factor/);
    expect(() => checkBackoffOptions({ ...DEFAULT_BACKOFF_OPTIONS, maxMs: 1 })).toThrow(/maxMs/);
    expect(() => checkBackoffOptions({ ...DEFAULT_BACKOFF_OPTIONS, jitter: 1 })).toThrow(/jitter/);
  });
});
