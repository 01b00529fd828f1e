import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import * as ccxt from 'ccxt';
import { decimalsOf, marketFactsOf, stepOf } from '../../src/feeds/ccxt/marketFacts';

const modes = ccxt.functions;

describe('market facts from ccxt markets', () => {
  test('decimals of a step: 10^-d and its multiples need d decimals', () => {
    expect([1, 10, 0.1, 0.01, 0.5, 0.25, 0.0001, 1e-8, 5e-7].map(decimalsOf)).toEqual([0, 0, 1, 2, 1, 2, 4, 8, 7]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 9 }), (d, k) => {
        expect(decimalsOf(Number(`${k}e-${d}`))).toBe(d);
      }),
    );
    expect([0, -1, NaN, Infinity].map(decimalsOf)).toEqual([0, 0, 0, 0]);
  });

  test('precision modes: TICK_SIZE is the step, DECIMAL_PLACES a digit count, SIGNIFICANT_DIGITS unknown', () => {
    expect(stepOf(0.01, modes.TICK_SIZE, modes)).toBe(0.01);
    expect(stepOf(2, modes.DECIMAL_PLACES, modes)).toBe(0.01);
    expect(stepOf(5, modes.SIGNIFICANT_DIGITS, modes)).toBeNaN();
    expect(stepOf(undefined, modes.TICK_SIZE, modes)).toBeNaN();
    expect(stepOf(-1, modes.TICK_SIZE, modes)).toBeNaN();
  });

  test('a market under each mode', () => {
    expect(marketFactsOf('binance', 'BTC/USDT', { precision: { price: 0.01, amount: 0.00001 } }, modes.TICK_SIZE, modes)).toEqual({
      exchange: 'binance',
      symbol: 'BTC/USDT',
      tickSize: 0.01,
      pricePrecision: 2,
      amountPrecision: 5,
    });
    expect(marketFactsOf('x', 'A/B', { precision: { price: 4, amount: 3 } }, modes.DECIMAL_PLACES, modes)).toMatchObject({ tickSize: 0.0001, pricePrecision: 4, amountPrecision: 3 });
    // significant digits: the price limit's minimum is the best guess, else a fine fallback
    expect(marketFactsOf('x', 'A/B', { precision: { price: 5 }, limits: { price: { min: 0.001 } } }, modes.SIGNIFICANT_DIGITS, modes)).toMatchObject({ tickSize: 0.001, pricePrecision: 3, amountPrecision: 8 });
    expect(marketFactsOf('x', 'A/B', {}, modes.TICK_SIZE, modes)).toMatchObject({ tickSize: 1e-8, pricePrecision: 8 });
  });

  test('ccxt 4.5 puts binance and okx in TICK_SIZE mode', () => {
    expect(new ccxt.pro.binance().precisionMode).toBe(modes.TICK_SIZE);
    expect(new ccxt.pro.okx().precisionMode).toBe(modes.TICK_SIZE);
  });
});
