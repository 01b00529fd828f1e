import { describe, expect, test } from 'vitest';
import { ErrorAction } from '../../src/feeds/ccxt/ccxtErrors';
import { StreamLoop, type StreamLoopHost, type StreamWork } from '../../src/feeds/ccxt/streamLoop';

interface Deferred {
  resolve(value: boolean): void;
  reject(error: Error): void;
}

/** A stream whose calls the test answers one by one. */
class ScriptedWork implements StreamWork {
  readonly calls: Deferred[] = [];
  readonly failures: [ErrorAction, string][] = [];
  recoveries = 0;
  aborts = 0;
  next(): Promise<boolean> {
    return new Promise((resolve, reject) => this.calls.push({ resolve, reject }));
  }
  failed(action: ErrorAction, reason: string): void {
    this.failures.push([action, reason]);
  }
  recovered(): void {
    this.recoveries++;
  }
  abort(): Promise<void> {
    this.aborts++;
    return Promise.resolve();
  }
}

/** Errors name their action: new Error('retry: socket closed'). */
function makeLoop(options: { staleAfterMs?: number; reconnectAfterMs?: number; pollIntervalMs?: number; retryAfterMs?: number } = {}) {
  const work = new ScriptedWork();
  const clock = { now: 0 };
  let changes = 0;
  const host: StreamLoopHost = {
    classify: (error) => (error as Error).message.split(':')[0] as ErrorAction,
    stopMessage: (error) => `stopped: ${(error as Error).message}`,
    reason: (error) => (error as Error).message,
    retryAfterMs: () => options.retryAfterMs ?? 0,
    statusChanged: () => changes++,
    now: () => clock.now,
  };
  const loop = new StreamLoop(
    work,
    {
      name: 'book',
      pollIntervalMs: options.pollIntervalMs ?? 0,
      staleAfterMs: options.staleAfterMs ?? 1000,
      reconnectAfterMs: options.reconnectAfterMs ?? 3000,
      backoff: { baseMs: 5, factor: 2, maxMs: 20, jitter: 0 },
      throttledBackoff: { baseMs: 40, factor: 2, maxMs: 160, jitter: 0 },
    },
    host,
  );
  return { work, loop, clock, changes: () => changes };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(check()).toBe(true);
}

describe('StreamLoop', () => {
  test('connecting until the first delivery, then live; deliveries counted', async () => {
    const { work, loop } = makeLoop();
    loop.start();
    expect(loop.status.state).toBe('connecting');
    await until(() => work.calls.length === 1);
    work.calls[0]!.resolve(true);
    await until(() => work.calls.length === 2);
    expect(loop.status).toMatchObject({ state: 'live', attempt: 0 });
    expect(loop.deliveries).toBe(1);
    await loop.close();
  });

  test('a resync watches again at once; a second one in a row backs off; recovery resets', async () => {
    const { work, loop } = makeLoop();
    loop.start();
    await until(() => work.calls.length === 1);
    work.calls[0]!.resolve(true);
    await until(() => work.calls.length === 2);
    work.calls[1]!.reject(new Error('resync: checksum'));
    await until(() => work.calls.length === 3);
    expect(loop.status).toMatchObject({ state: 'resyncing', attempt: 0, detail: 'book: resyncing (resync: checksum)' });
    work.calls[2]!.reject(new Error('resync: checksum again'));
    await until(() => loop.status.attempt === 1);
    expect(loop.status.state).toBe('resyncing');
    expect(loop.status.retryAt).toBe(5);
    await until(() => work.calls.length === 4);
    work.calls[3]!.resolve(true);
    await until(() => loop.status.state === 'live');
    expect(work.recoveries).toBe(1);
    expect(work.failures.map((f) => f[0])).toEqual(['resync', 'resync']);
    await loop.close();
  });

  test('network errors retry with growing delays, reporting the attempt and when the next one starts', async () => {
    const { work, loop, clock } = makeLoop();
    loop.start();
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      await until(() => work.calls.length === i + 1);
      clock.now = 1000 * i;
      work.calls[i]!.reject(new Error('retry: socket closed'));
      await until(() => loop.status.attempt === i + 1);
      expect(loop.status.state).toBe('reconnecting');
      expect(loop.status.detail).toContain(`attempt ${i + 1}`);
      seen.push(loop.status.retryAt - clock.now);
    }
    expect(seen).toEqual([5, 10, 20, 20]);
    await until(() => work.calls.length === 5);
    work.calls[4]!.resolve(true);
    await until(() => loop.status.state === 'live');
    expect(loop.status.attempt).toBe(0);
    expect(work.recoveries).toBe(1);
    await loop.close();
  });

  test('"too many requests" backs off longer than a network error, and never before the Retry-After', async () => {
    const { work, loop, clock } = makeLoop();
    loop.start();
    await until(() => work.calls.length === 1);
    work.calls[0]!.reject(new Error('throttled: 429 Too Many Requests'));
    await until(() => loop.status.attempt === 1);
    expect(loop.status).toMatchObject({ state: 'reconnecting', retryAt: 40 });
    expect(loop.status.detail).toBe('book: throttled: 429 Too Many Requests (rate limited); reconnecting (attempt 1, next in 0.0 s)');
    await loop.close();

    const floored = makeLoop({ retryAfterMs: 120 });
    floored.loop.start();
    await until(() => floored.work.calls.length === 1);
    floored.clock.now = 1000;
    floored.work.calls[0]!.reject(new Error('retry: socket closed'));
    await until(() => floored.loop.status.attempt === 1);
    expect(floored.loop.status.retryAt).toBe(1120);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(floored.work.calls.length).toBe(1);
    await until(() => floored.work.calls.length === 2);
    await floored.loop.close();
    void clock;
  });

  test('a stop error ends the stream with the message a person reads', async () => {
    const { work, loop } = makeLoop();
    loop.start();
    await until(() => work.calls.length === 1);
    work.calls[0]!.reject(new Error('stop: no such symbol'));
    await until(() => loop.status.state === 'error');
    expect(loop.status.detail).toBe('stopped: stop: no such symbol');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(work.calls.length).toBe(1);
    await loop.close();
  });

  test('silence: stale with the age, then a forced reconnect that aborts the pending call', async () => {
    const { work, loop, clock } = makeLoop({ staleAfterMs: 1000, reconnectAfterMs: 3000 });
    loop.start();
    await until(() => work.calls.length === 1);
    work.calls[0]!.resolve(true);
    await until(() => work.calls.length === 2);
    loop.check(500);
    expect(loop.status.state).toBe('live');
    loop.check(1500);
    expect(loop.status).toMatchObject({ state: 'stale', value: 1500, detail: 'book: no message for 1.5 s' });
    loop.check(3200);
    expect(work.aborts).toBe(1);
    await until(() => loop.status.state === 'reconnecting');
    expect(work.failures).toEqual([['retry', 'no message for 3.2 s']]);
    expect(loop.forcedReconnects).toBe(1);
    // the abandoned call settling late changes nothing
    work.calls[1]!.resolve(true);
    await until(() => work.calls.length === 3);
    clock.now = 4000;
    work.calls[2]!.resolve(true);
    await until(() => loop.status.state === 'live');
    expect(loop.deliveries).toBe(2);
    await loop.close();
  });

  test('a call never answered (a subscription ccxt waits on forever) is forced too', async () => {
    const { work, loop } = makeLoop({ reconnectAfterMs: 3000 });
    loop.start();
    await until(() => work.calls.length === 1);
    loop.check(2000);
    expect(work.aborts).toBe(0);
    loop.check(3000);
    expect(work.aborts).toBe(1);
    await until(() => work.calls.length === 2);
    await loop.close();
  });

  test('polling waits between calls; close ends a pending call and stops', async () => {
    const { work, loop } = makeLoop({ pollIntervalMs: 30 });
    loop.start();
    await until(() => work.calls.length === 1);
    work.calls[0]!.resolve(true);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(work.calls.length).toBe(1);
    await until(() => work.calls.length === 2);
    await loop.close();
    expect(loop.status.state).toBe('closed');
    work.calls[1]!.resolve(true);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(work.calls.length).toBe(2);
  });
});
