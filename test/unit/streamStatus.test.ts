import { describe, expect, test } from 'vitest';
import { aggregateStatus, type StreamStatus } from '../../src/feeds/ccxt/streamStatus';

const s = (state: StreamStatus['state'], detail: string = state, value = 0, attempt = 0, retryAt = NaN): StreamStatus => ({ state, detail, value, attempt, retryAt });

describe('aggregateStatus', () => {
  test('the most urgent stream decides: error > reconnecting > resyncing > stale > connecting > live', () => {
    const order: StreamStatus['state'][] = ['error', 'reconnecting', 'resyncing', 'stale', 'connecting', 'live'];
    for (let i = 0; i < order.length; i++) {
      const streams = order.slice(i).reverse().map((state) => s(state, `book: ${state}`));
      expect(aggregateStatus(streams, []).state).toBe(order[i]);
      expect(aggregateStatus(streams, []).detail).toBe(order[i] === 'live' ? 'live' : `book: ${order[i]}`);
    }
  });

  test('keeps the winner\'s age and retry; all live names the polled streams', () => {
    expect(aggregateStatus([s('live'), s('reconnecting', 'trades: down', 0, 3, 1234)], ['ticker'])).toEqual({
      state: 'reconnecting',
      detail: 'trades: down',
      value: 0,
      attempt: 3,
      retryAt: 1234,
      polled: ['ticker'],
    });
    expect(aggregateStatus([s('live'), s('stale', 'book: quiet', 2500)], []).value).toBe(2500);
    expect(aggregateStatus([s('live'), s('live')], ['book', 'trades'])).toMatchObject({ state: 'live', detail: 'live (polling book, trades)' });
    expect(aggregateStatus([], []).state).toBe('connecting');
  });
});
