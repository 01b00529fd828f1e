import { describe, expect, test } from 'vitest';
import { DEFAULT_THROTTLED_BACKOFF, retryDelay, Sleep, type RetryPolicy } from '../../src/feeds/retry';

const policy: RetryPolicy = {
  backoff: { baseMs: 100, factor: 2, maxMs: 1000, jitter: 0 },
  throttledBackoff: { baseMs: 2000, factor: 2, maxMs: 60_000, jitter: 0 },
};

describe('retryDelay', () => {
  test('a plain failure follows the backoff', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelay(attempt, policy))).toEqual([100, 200, 400, 800, 1000]);
  });

  test('a throttled failure backs off longer than a network error at every attempt', () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      expect(retryDelay(attempt, policy, { throttled: true, retryAfterMs: 0 })).toBeGreaterThan(retryDelay(attempt, policy, { throttled: false, retryAfterMs: 0 }));
    }
    expect(retryDelay(1, { backoff: policy.backoff }, { throttled: true, retryAfterMs: 0 }, () => 0.5)).toBe(DEFAULT_THROTTLED_BACKOFF.baseMs);
  });

  test('never shorter than the Retry-After, whatever the backoff or its jitter', () => {
    const jittery: RetryPolicy = { backoff: { baseMs: 100, factor: 2, maxMs: 1000, jitter: 0.5 } };
    for (const random of [0, 0.3, 0.99]) {
      expect(retryDelay(1, jittery, { throttled: false, retryAfterMs: 7000.2 }, () => random)).toBe(7001);
      expect(retryDelay(1, policy, { throttled: true, retryAfterMs: 30_000 }, () => random)).toBe(30_000);
    }
    // a shorter Retry-After does not shorten the backoff; an unusable one is ignored
    expect(retryDelay(3, policy, { throttled: false, retryAfterMs: 10 })).toBe(400);
    expect(retryDelay(3, policy, { throttled: false, retryAfterMs: Infinity })).toBe(400);
    expect(retryDelay(3, policy, { throttled: false, retryAfterMs: NaN })).toBe(400);
  });

  test('rejects a bad attempt number', () => {
    expect(() => retryDelay(0, policy)).toThrow(RangeError);
  });
});

describe('Sleep', () => {
  test('waits the time given', async () => {
    const sleep = new Sleep();
    const started = performance.now();
    await sleep.wait(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  test('wake ends the wait at once; a wake with nothing pending does nothing', async () => {
    const sleep = new Sleep();
    sleep.wake();
    const started = performance.now();
    const pending = sleep.wait(10_000);
    setTimeout(() => sleep.wake(), 5);
    await pending;
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('a new wait ends the pending one', async () => {
    const sleep = new Sleep();
    const first = sleep.wait(10_000);
    const second = sleep.wait(5);
    await first;
    await second;
  });
});
