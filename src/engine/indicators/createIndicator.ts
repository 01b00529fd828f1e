/**
 * Builds an indicator from a plain options object, e.g. `{ kind: 'ema', period: 21 }` from a
 * setting or a protocol message.
 */
import type { Indicator } from './indicatorSeries';
import { resolveIndicatorOptions } from './indicatorOptions';
import { BollingerBands } from './bollingerBands';
import { Ema } from './ema';
import { Macd } from './macd';
import { Rsi } from './rsi';
import { SessionVwap } from './sessionVwap';
import { Sma } from './sma';
import { Wma } from './wma';

/**
 * Validates `input` (merged over the kind's defaults, see {@link resolveIndicatorOptions}) and
 * constructs the indicator. Throws IndicatorOptionsError naming the bad parameter.
 * O(capacity) for the ring; allocates the indicator. Configuration path only.
 */
export function createIndicator(input: unknown): Indicator {
  const options = resolveIndicatorOptions(input);
  switch (options.kind) {
    case 'sma':
      return new Sma(options);
    case 'ema':
      return new Ema(options);
    case 'wma':
      return new Wma(options);
    case 'rsi':
      return new Rsi(options);
    case 'macd':
      return new Macd(options);
    case 'bollinger':
      return new BollingerBands(options);
    case 'vwap':
      return new SessionVwap(options);
  }
}
