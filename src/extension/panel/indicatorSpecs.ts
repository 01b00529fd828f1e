import { INDICATOR_CATALOG, parametersOf, type ParameterName } from '../../engine/indicators/indicatorCatalog';
import { parameterKey, type IndicatorParameters } from '../settings/indicatorParameters';
import type { PanelIndicator } from '../settings/settingsModel';

/**
 * Engine indicator options for the panel's chosen indicators: each candle kind with its declared
 * parameters read from the settings. Order-book imbalance and CVD are order-flow metrics the
 * engine always keeps; the panel only decides whether to draw them.
 */
export function indicatorSpecs(chosen: readonly PanelIndicator[], p: IndicatorParameters): object[] {
  const specs: object[] = [];
  for (const kind of chosen) {
    if (INDICATOR_CATALOG[kind].computedFrom !== 'candles') continue;
    const spec: Record<string, unknown> = { kind };
    for (const [name] of parametersOf(kind)) spec[name] = p[parameterKey(kind, name as ParameterName<typeof kind>)];
    specs.push(spec);
  }
  return specs;
}
