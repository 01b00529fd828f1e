import { describe, expect, test } from 'vitest';
import * as ccxt from 'ccxt';
import { classifyError, ErrorAction, errorMessage, errorTable, stopMessage } from '../../src/feeds/ccxt/ccxtErrors';

const table = errorTable(ccxt);

/** Reference: the documented rules, most specific class first, by instanceof. */
function reference(error: unknown): ErrorAction {
  const rules: [new (...args: never[]) => unknown, ErrorAction][] = [
    [ccxt.ChecksumError, 'resync'],
    [ccxt.InvalidNonce, 'resync'],
    [ccxt.RequestTimeout, 'retry'],
    [ccxt.RateLimitExceeded, 'throttled'],
    [ccxt.DDoSProtection, 'throttled'],
    [ccxt.NetworkError, 'retry'],
    [ccxt.OperationFailed, 'retry'],
    [ccxt.BadSymbol, 'stop'],
    [ccxt.BadRequest, 'stop'],
    [ccxt.NotSupported, 'stop'],
    [ccxt.AuthenticationError, 'stop'],
    [ccxt.ArgumentsRequired, 'stop'],
    [ccxt.InvalidProxySettings, 'stop'],
    [ccxt.ExchangeClosedByUser, 'closed'],
    [ccxt.ExchangeError, 'retry'],
  ];
  for (const [cls, action] of rules) if (error instanceof cls) return action;
  return 'retry';
}

describe('classifyError', () => {
  test('the cases the feed relies on', () => {
    expect(classifyError(new ccxt.ChecksumError('gap'), table)).toBe('resync');
    expect(classifyError(new ccxt.InvalidNonce('nonce'), table)).toBe('resync');
    expect(classifyError(new ccxt.NetworkError('closed'), table)).toBe('retry');
    expect(classifyError(new ccxt.RequestTimeout('ping'), table)).toBe('retry');
    expect(classifyError(new ccxt.OnMaintenance('later'), table)).toBe('retry');
    expect(classifyError(new ccxt.RateLimitExceeded('binance GET /api/v3/depth 429 Too Many Requests'), table)).toBe('throttled');
    expect(classifyError(new ccxt.DDoSProtection('binance GET /api/v3/depth 418 I am a teapot'), table)).toBe('throttled');
    expect(classifyError(new ccxt.OperationFailed('500 x3'), table)).toBe('retry');
    expect(classifyError(new TypeError("Cannot read properties of undefined (reading 'b')"), table)).toBe('retry');
    expect(classifyError(new SyntaxError('Unexpected end of JSON input'), table)).toBe('retry');
    expect(classifyError(new ccxt.BadSymbol('binance does not have market symbol FOO/BAR'), table)).toBe('stop');
    expect(classifyError(new ccxt.NotSupported('no'), table)).toBe('stop');
    expect(classifyError(new ccxt.AuthenticationError('key'), table)).toBe('stop');
    expect(classifyError(new ccxt.AccountSuspended('suspended'), table)).toBe('stop');
    expect(classifyError(new ccxt.ExchangeClosedByUser('bye'), table)).toBe('closed');
    expect(classifyError('a string', table)).toBe('retry');
    expect(classifyError(undefined, table)).toBe('retry');
  });

  test('a checksum error is not taken for a plain network error (it is one by inheritance)', () => {
    const error = new ccxt.ChecksumError('gap');
    expect(error).toBeInstanceOf(ccxt.NetworkError);
    expect(classifyError(error, table)).toBe(ErrorAction.Resync);
  });

  test('every ccxt error class is classified as the documented rules say', () => {
    const classes = Object.values(ccxt.errors).filter((value) => typeof value === 'function') as unknown as (new (message: string) => Error)[];
    expect(classes.length).toBeGreaterThan(40);
    for (const cls of classes) {
      const error = new cls('x');
      expect([cls.name, classifyError(error, table)]).toEqual([cls.name, reference(error)]);
    }
  });

  test('messages name the exchange and the symbol', () => {
    expect(stopMessage(new ccxt.BadSymbol('binance does not have market symbol FOO/BAR'), ccxt, 'binance', 'FOO/BAR')).toBe('binance does not list symbol FOO/BAR');
    expect(stopMessage(new ccxt.NotSupported('watchOHLCV() is not supported yet'), ccxt, 'kraken', 'BTC/USD')).toBe('kraken does not support this for BTC/USD: watchOHLCV() is not supported yet');
    expect(stopMessage(new ccxt.AuthenticationError('invalid key'), ccxt, 'okx', 'BTC/USDT')).toBe('okx refused the request for BTC/USDT (authentication): invalid key');
    expect(errorMessage(new Error('x'.repeat(1000)))).toHaveLength(300);
  });
});
