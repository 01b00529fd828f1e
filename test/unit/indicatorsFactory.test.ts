/**
 * createIndicator: plain options in, the right indicator out, and a typed error naming the bad
 * parameter for anything a setting or a protocol message could get wrong.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/engineError';
import { BollingerBands } from '../../src/engine/indicators/bollingerBands';
import { createIndicator } from '../../src/engine/indicators/createIndicator';
import { Ema } from '../../src/engine/indicators/ema';
import {
  DEFAULT_CAPACITY,
  IndicatorOptionsError,
} from '../../src/engine/indicators/indicatorOptions';
import { CANDLE_INDICATOR_KINDS } from '../../src/engine/indicators/indicatorCatalog';
import { Macd } from '../../src/engine/indicators/macd';
import { Rsi } from '../../src/engine/indicators/rsi';
import { SessionVwap } from '../../src/engine/indicators/sessionVwap';
import { Sma } from '../../src/engine/indicators/sma';
import { Wma } from '../../src/engine/indicators/wma';
import { CvdBars } from '../../src/engine/metrics/cvdBars';
import { ImbalanceBars } from '../../src/engine/metrics/imbalanceBars';

function refusal(make: () => unknown): IndicatorOptionsError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(IndicatorOptionsError);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('badParameter');
    return error as IndicatorOptionsError;
  }
  return expect.fail('expected an IndicatorOptionsError');
}

describe('createIndicator builds each kind from plain options', () => {
  it.each([
    [{ kind: 'sma', period: 20 }, Sma, 'SMA(20)', ['sma']],
    [{ kind: 'ema', period: 21 }, Ema, 'EMA(21)', ['ema']],
    [{ kind: 'wma', period: 9, source: 'hlc3' }, Wma, 'WMA(9, hlc3)', ['wma']],
    [{ kind: 'rsi' }, Rsi, 'RSI(14)', ['rsi']],
    [{ kind: 'macd' }, Macd, 'MACD(12,26,9)', ['macd', 'signal', 'histogram']],
    [{ kind: 'bollinger', multiplier: 2.5 }, BollingerBands, 'BB(20,2.5)', ['middle', 'upper', 'lower']],
    [{ kind: 'vwap' }, SessionVwap, 'VWAP', ['vwap']],
  ] as const)('%o', (options, type, label, outputs) => {
    const indicator = createIndicator(options);
    expect(indicator).toBeInstanceOf(type);
    expect(indicator.label).toBe(label);
    expect(indicator.outputs).toEqual(outputs);
    expect(indicator.capacity).toBe(DEFAULT_CAPACITY);
  });

  it('merges over the defaults and reports the full options', () => {
    expect(createIndicator({ kind: 'ema', period: 21 }).options).toEqual({
      kind: 'ema',
      period: 21,
      source: 'close',
      capacity: DEFAULT_CAPACITY,
    });
    expect(createIndicator({ kind: 'macd', slow: 30, capacity: 500 }).options).toEqual({
      kind: 'macd',
      fast: 12,
      slow: 30,
      signal: 9,
      source: 'close',
      capacity: 500,
    });
    expect(createIndicator({ kind: 'bollinger' }).options).toMatchObject({ period: 20, multiplier: 2 });
  });

  it('treats undefined values as absent', () => {
    expect(createIndicator({ kind: 'rsi', period: undefined }).options).toMatchObject({ period: 14 });
  });

  it('knows every kind', () => {
    expect([...CANDLE_INDICATOR_KINDS]).toEqual(['sma', 'ema', 'wma', 'bollinger', 'vwap', 'rsi', 'macd']);
    for (const kind of CANDLE_INDICATOR_KINDS) expect(createIndicator({ kind }).options.kind).toBe(kind);
  });
});

describe('createIndicator refuses bad options, naming the parameter', () => {
  it.each([
    [null, 'options', 'indicator options must be an object; got null'],
    [[{ kind: 'ema' }], 'options', 'indicator options must be an object; got an array'],
    ['ema', 'options', 'indicator options must be an object; got "ema"'],
    [{}, 'kind', 'indicator option "kind" must be one of sma, ema, wma, bollinger, vwap, rsi, macd; got undefined'],
    [{ kind: 'EMA' }, 'kind', 'indicator option "kind" must be one of sma, ema, wma, bollinger, vwap, rsi, macd; got "EMA"'],
    [{ kind: 'toString' }, 'kind', 'indicator option "kind" must be one of sma, ema, wma, bollinger, vwap, rsi, macd; got "toString"'],
    [{ kind: 'ema', period: 0 }, 'period', 'EMA option "period" must be an integer from 1 to 10000; got 0'],
    [{ kind: 'sma', period: 2.5 }, 'period', 'SMA option "period" must be an integer from 1 to 10000; got 2.5'],
    [{ kind: 'sma', period: '21' }, 'period', 'SMA option "period" must be an integer from 1 to 10000; got "21"'],
    [{ kind: 'wma', period: NaN }, 'period', 'WMA option "period" must be an integer from 1 to 10000; got NaN'],
    [{ kind: 'rsi', period: 10_001 }, 'period', 'RSI option "period" must be an integer from 1 to 10000; got 10001'],
    [{ kind: 'rsi', period: null }, 'period', 'RSI option "period" must be an integer from 1 to 10000; got null'],
    [{ kind: 'ema', peroid: 21 }, 'peroid', 'EMA has no option "peroid" (options: kind, period, source, capacity)'],
    [{ kind: 'vwap', period: 14 }, 'period', 'VWAP has no option "period" (options: kind, capacity)'],
    [{ kind: 'macd', fast: 26, slow: 12 }, 'fast', 'MACD option "fast" must be less than "slow"; got fast 26, slow 12'],
    [{ kind: 'macd', fast: 26 }, 'fast', 'MACD option "fast" must be less than "slow"; got fast 26, slow 26'],
    [{ kind: 'macd', signal: 0 }, 'signal', 'MACD option "signal" must be an integer from 1 to 10000; got 0'],
    [{ kind: 'macd', slow: -3 }, 'slow', 'MACD option "slow" must be an integer from 1 to 10000; got -3'],
    [{ kind: 'bollinger', multiplier: -1 }, 'multiplier', 'Bollinger Bands option "multiplier" must be a number from 0.1 to 10; got -1'],
    [{ kind: 'bollinger', multiplier: Infinity }, 'multiplier', 'Bollinger Bands option "multiplier" must be a number from 0.1 to 10; got Infinity'],
    [{ kind: 'sma', source: 'vwap' }, 'source', 'SMA option "source" must be one of close, open, high, low, hl2, hlc3, ohlc4; got "vwap"'],
    [{ kind: 'ema', capacity: 0 }, 'capacity', 'EMA option "capacity" must be an integer from 1 to 1048576; got 0'],
    [{ kind: 'ema', capacity: {} }, 'capacity', 'EMA option "capacity" must be an integer from 1 to 1048576; got object'],
  ])('%o → %s', (options, parameter, message) => {
    const error = refusal(() => createIndicator(options));
    expect(error.parameter).toBe(parameter);
    expect(error.message).toBe(message);
  });

  it('the classes validate their own options the same way', () => {
    expect(refusal(() => new Ema({ period: -1 })).parameter).toBe('period');
    expect(refusal(() => new Sma({ kind: 'ema' } as never)).parameter).toBe('kind');
    expect(refusal(() => new BollingerBands({ multiplier: 0 })).parameter).toBe('multiplier');
    expect(refusal(() => new CvdBars({ capacity: 1.5 })).message).toBe(
      'CVD option "capacity" must be an integer from 1 to 1048576; got 1.5',
    );
    expect(refusal(() => new ImbalanceBars({ capacity: -1 })).parameter).toBe('capacity');
  });
});
