import { describe, expect, test } from 'vitest';
import { toTickerSnapshot } from '../../src/feeds/ccxt/tickerSnapshot';

describe('ccxt ticker → TickerSnapshot', () => {
  test('copies the figures; NaN where missing; change computed from open and last when absent', () => {
    expect(toTickerSnapshot('BTC/USDT', { timestamp: 1000, last: 110, open: 100, high: 120, low: 90, baseVolume: 5, percentage: 10 }, 5)).toEqual({
      symbol: 'BTC/USDT',
      last: 110,
      open24h: 100,
      high24h: 120,
      low24h: 90,
      volume24h: 5,
      changePercent24h: 10,
      time: 1000,
    });
    const mini = toTickerSnapshot('BTC/USDT', { close: 99, open: 100 }, 7);
    expect(mini.last).toBe(99);
    expect(mini.changePercent24h).toBeCloseTo(-1, 12);
    expect(mini.high24h).toBeNaN();
    expect(mini.time).toBe(7);
    expect(toTickerSnapshot('X/Y', { last: Infinity, open: 0 }, 1)).toMatchObject({ last: NaN, changePercent24h: NaN });
  });
});
