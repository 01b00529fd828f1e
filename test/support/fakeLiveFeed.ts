/**
 * What the integration tests of the live ccxt feed share: feed options pointing at the local fake
 * exchange with timers shortened (keepAlive 300 ms, backoff from 50 ms, stale after 1.5 s, forced
 * reconnect after 3 s) so that each fault resolves in about a second, and a polling wait.
 */
import type { FakeExchange } from '../fakeExchange/FakeExchange';
import type { CcxtLiveOptions } from '../../src/feeds/ccxt/ccxtLiveOptions';

/** Live feed options for the fake Binance; `binance` is merged into its ccxt config. */
export function fakeLiveOptions(ex: FakeExchange, extra: Partial<CcxtLiveOptions> = {}, binance: Record<string, unknown> = {}): Partial<CcxtLiveOptions> {
  return {
    exchanges: { binance: { ...ex.ccxtConfig('binance'), rateLimit: 5, ...binance } },
    keepAliveMs: 300,
    backoff: { baseMs: 50, factor: 2, maxMs: 400, jitter: 0.2 },
    throttledBackoff: { baseMs: 300, factor: 2, maxMs: 1200, jitter: 0.2 },
    staleAfterMs: 1500,
    reconnectAfterMs: 3000,
    quietReconnectAfterMs: 3000,
    watchdogIntervalMs: 100,
    pollIntervalMs: 200,
    // Tests check that the last release closes every socket.
    venueIdleMs: 0,
    ...extra,
  };
}

/** Waits until `check` holds (polled every 10 ms); fails naming `what` after `timeoutMs`. Resolves with the ms waited. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return performance.now() - started;
}
