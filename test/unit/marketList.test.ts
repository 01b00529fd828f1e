import { describe, expect, test } from 'vitest';
import { replyBodyProblem, usableMarkets } from '../../src/feeds/ccxt/marketList';

describe('replyBodyProblem', () => {
  test('JSON passes; an empty body, an HTML page or plain text is named', () => {
    expect(replyBodyProblem('{"symbols":[]}', 'application/json')).toBeUndefined();
    expect(replyBodyProblem(' [1]', undefined)).toBeUndefined();
    expect(replyBodyProblem('', 'application/json')).toBe('the reply was empty');
    expect(replyBodyProblem(undefined, undefined)).toBe('the reply was empty');
    expect(replyBodyProblem('<html><body>Maintenance</body></html>', 'text/html')).toBe('the reply was not JSON (text/html): "<html><body>Maintenance</body></html>"');
    expect(replyBodyProblem('x'.repeat(100), undefined)).toBe(`the reply was not JSON (no content type): "${'x'.repeat(57)}..."`);
  });
});

describe('usableMarkets', () => {
  test('an empty list, a non-list, or markets without id and symbol are a problem, not "no markets"', () => {
    expect(usableMarkets([]).problem).toBe('the reply listed no markets');
    expect(usableMarkets('<html>').problem).toBe('the markets were not a list but string');
    expect(usableMarkets(null).problem).toBe('the markets were not a list but null');
    expect(usableMarkets([{ id: 42, symbol: 'X/Y' }, null, 'BTCUSDT', { id: 'A', symbol: 'undefined/USDT' }]).problem).toBe('none of the 4 markets listed has a symbol and an id (wrong types)');
  });

  test('usable markets are kept, unusable ones dropped; the same list when all are usable', () => {
    const good = { id: 'BTCUSDT', symbol: 'BTC/USDT' };
    const all = [good, { id: 'ETHUSDT', symbol: 'ETH/USDT' }];
    expect(usableMarkets(all).markets).toBe(all);
    expect(usableMarkets([good, { id: '', symbol: 'X/Y' }, { symbol: 'Z/Y' }]).markets).toEqual([good]);
  });
});
