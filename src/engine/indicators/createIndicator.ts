/**
 * Builds an indicator from a plain options object, e.g. `{ kind: 'ema', period: 21 }` from a
 * setting or a protocol message.
 */
import type { CandleIndicatorKind } from './indicatorCatalog';
import type { Indicator } from './indicatorSeries';
import { resolveIndicatorOptions, type OptionsOf } from './indicatorOptions';
import { BollingerBands } from './bollingerBands';
import { Ema } from './ema';
import { Macd } from './macd';
import { Rsi } from './rsi';
import { SessionVwap } from './sessionVwap';
import { Sma } from './sma';
import { Wma } from './wma';

/**
 * One constructor per candle kind of the catalog: a kind declared there without a factory here
 * does not compile. (The catalog itself stays free of the classes: the webview reads it.)
 */
const FACTORIES: { readonly [K in CandleIndicatorKind]: (options: OptionsOf<K>) => Indicator } = {
  sma: (o) => new Sma(o),
  ema: (o) => new Ema(o),
  wma: (o) => new Wma(o),
  bollinger: (o) => new BollingerBands(o),
  vwap: (o) => new SessionVwap(o),
  rsi: (o) => new Rsi(o),
  macd: (o) => new Macd(o),
};

/**
 * Validates `input` (merged over the kind's defaults, see {@link resolveIndicatorOptions}) and
 * constructs the indicator. Throws IndicatorOptionsError naming the bad parameter.
 * O(capacity) for the ring; allocates the indicator. Configuration path only.
 */
export function createIndicator(input: unknown): Indicator {
  const options = resolveIndicatorOptions(input);
  return (FACTORIES[options.kind] as (options: OptionsOf<CandleIndicatorKind>) => Indicator)(options);
}
