import type { IndicatorParameters, PanelIndicator } from '../settings/settingsModel';

/**
 * Engine indicator options for the panel's chosen indicators. Order-book imbalance and CVD are
 * order-flow metrics the engine always keeps; the panel only decides whether to draw them.
 */
export function indicatorSpecs(chosen: readonly PanelIndicator[], p: IndicatorParameters): object[] {
  const specs: object[] = [];
  for (const kind of chosen) {
    if (kind === 'ema') specs.push({ kind: 'ema', period: p.emaPeriod });
    else if (kind === 'sma') specs.push({ kind: 'sma', period: p.smaPeriod });
    else if (kind === 'wma') specs.push({ kind: 'wma', period: p.wmaPeriod });
    else if (kind === 'bollinger') specs.push({ kind: 'bollinger', period: p.bollingerPeriod, multiplier: p.bollingerMultiplier });
    else if (kind === 'vwap') specs.push({ kind: 'vwap' });
    else if (kind === 'rsi') specs.push({ kind: 'rsi', period: p.rsiPeriod });
    else if (kind === 'macd') specs.push({ kind: 'macd', fast: p.macdFast, slow: p.macdSlow, signal: p.macdSignal });
  }
  return specs;
}
