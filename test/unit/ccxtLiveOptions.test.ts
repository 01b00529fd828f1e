import { describe, expect, test } from 'vitest';
import { ccxtConfigFor, deepMerge, DEFAULT_CCXT_LIVE_OPTIONS, resolveCcxtLiveOptions } from '../../src/feeds/ccxt/ccxtLiveOptions';

describe('ccxt live options and constructor config', () => {
  test('options merge over the defaults, backoff field by field; bad numbers are refused', () => {
    const options = resolveCcxtLiveOptions({ keepAliveMs: 500, backoff: { baseMs: 10 } as never });
    expect(options.keepAliveMs).toBe(500);
    expect(options.backoff).toEqual({ ...DEFAULT_CCXT_LIVE_OPTIONS.backoff, baseMs: 10 });
    expect(options.staleAfterMs).toBe(DEFAULT_CCXT_LIVE_OPTIONS.staleAfterMs);
    expect(() => resolveCcxtLiveOptions({ staleAfterMs: 0 })).toThrow(/staleAfterMs/);
    expect(() => resolveCcxtLiveOptions({ pollIntervalMs: NaN })).toThrow(/pollIntervalMs/);
  });

  test('deepMerge merges plain objects, replaces arrays and other values, leaves inputs alone', () => {
    const base = { a: { b: 1, c: [1, 2] }, d: 'x' };
    const over = { a: { c: [3], e: 2 }, d: 'y' };
    expect(deepMerge(base, over)).toEqual({ a: { b: 1, c: [3], e: 2 }, d: 'y' });
    expect(base).toEqual({ a: { b: 1, c: [1, 2] }, d: 'x' });
  });

  test('the config: keepAlive, ccxt redial backoff off, proxies, then per-exchange overrides on top', () => {
    const options = resolveCcxtLiveOptions({
      keepAliveMs: 15_000,
      proxy: { httpsProxy: 'http://proxy:3128', socksProxy: '' },
      exchanges: {
        binance: {
          rateLimit: 5,
          urls: { api: { public: 'http://127.0.0.1:1/api/v3' } },
          options: { fetchMarkets: { types: ['spot'] }, ws: { backoff: { base: 100 } } },
        },
      },
    });
    expect(ccxtConfigFor('binance', options)).toEqual({
      enableRateLimit: true,
      streaming: { keepAlive: 15_000 },
      httpsProxy: 'http://proxy:3128',
      rateLimit: 5,
      urls: { api: { public: 'http://127.0.0.1:1/api/v3' } },
      options: { fetchMarkets: { types: ['spot'] }, ws: { backoff: { base: 100 } } },
    });
    expect(ccxtConfigFor('okx', options)).toEqual({
      enableRateLimit: true,
      streaming: { keepAlive: 15_000 },
      httpsProxy: 'http://proxy:3128',
      options: { ws: { backoff: { base: 0 } } },
    });
  });
});
