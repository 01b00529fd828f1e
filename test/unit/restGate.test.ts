import { describe, expect, test } from 'vitest';
import { parseRetryAfter, RestGate } from '../../src/feeds/ccxt/restGate';
import type { CcxtExchange } from '../../src/feeds/ccxt/loadCcxt';

const fallback = { baseMs: 1000, factor: 2, maxMs: 8000, jitter: 0 };

/** The two methods the gate wraps, as a ccxt instance has them; records when requests go out. */
function fakeExchange(clock: { now: number }) {
  const sent: number[] = [];
  const exchange = {
    fetch: async (url: string) => {
      sent.push(clock.now);
      return url;
    },
    onRestResponse: (_status: number, _text: string, _url: string, _method: string, _headers: unknown, body: string) => body,
  };
  return { exchange: exchange as unknown as CcxtExchange, raw: exchange, sent };
}

describe('parseRetryAfter', () => {
  test('delta-seconds and HTTP dates; absent or unreadable is undefined', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000);
    expect(parseRetryAfter(' 0.5 ', 0)).toBe(500);
    const now = Date.parse('Sun, 06 Dec 2026 00:00:00 GMT');
    expect(parseRetryAfter('Sun, 06 Dec 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 05 Dec 2026 00:00:00 GMT', now)).toBe(0);
    for (const value of [undefined, '', 'soon', '-5', 42]) expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('RestGate', () => {
  test('a 429 with Retry-After holds every request of every instance until it expires', async () => {
    const clock = { now: 1000 };
    const gate = new RestGate(fallback, () => clock.now);
    const a = fakeExchange(clock);
    const b = fakeExchange(clock);
    gate.install(a.exchange);
    gate.install(b.exchange);
    expect(a.raw.onRestResponse(429, 'Too Many Requests', 'u', 'GET', { 'Retry-After': '0.05' }, 'body')).toBe('body');
    expect(gate.remainingMs()).toBe(50);
    const pending = [a.raw.fetch('x'), b.raw.fetch('y')];
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(a.sent.length + b.sent.length).toBe(0);
    clock.now += 50;
    await Promise.all(pending);
    expect(a.sent).toEqual([1050]);
    expect(b.sent).toEqual([1050]);
  });

  test('without Retry-After: a backoff that grows per 429 in a row and resets after a success; 418 too; a 503 only with Retry-After', () => {
    const clock = { now: 0 };
    const gate = new RestGate(fallback, () => clock.now);
    gate.observe(429, {});
    expect(gate.remainingMs()).toBe(1000);
    gate.observe(418, { 'Content-Type': 'application/json' });
    expect(gate.remainingMs()).toBe(2000);
    clock.now += 5000;
    gate.observe(200, {});
    gate.observe(429, {});
    expect(gate.remainingMs()).toBe(1000);
    clock.now += 5000;
    gate.observe(503, {});
    expect(gate.remainingMs()).toBe(0);
    gate.observe(503, { 'retry-after': '3' });
    expect(gate.remainingMs()).toBe(3000);
    // a shorter Retry-After never shortens a wait already ordered
    gate.observe(429, { 'Retry-After': '1' });
    expect(gate.remainingMs()).toBe(3000);
  });

  test('closing fails the requests waiting at the gate', async () => {
    const clock = { now: 0 };
    const gate = new RestGate(fallback, () => clock.now);
    const a = fakeExchange(clock);
    gate.install(a.exchange);
    gate.observe(429, { 'Retry-After': '60' });
    const pending = a.raw.fetch('x');
    gate.close();
    await expect(pending).rejects.toThrow(/closed while waiting/);
    expect(a.sent).toEqual([]);
  });
});
