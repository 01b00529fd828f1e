/**
 * Every indicator a chart offers, declared once, as lightweight-charts declares a series type:
 * its kind, title, parameters (default and bounds), how the engine computes it, how a panel draws
 * it and whether new charts show it. Everything else derives from this table: the engine's option
 * types, defaults and validation (indicatorOptions.ts), the factory's exhaustiveness
 * (createIndicator.ts), the protocol's kinds, the settings' parameters and their schema in
 * package.json (checked by test/unit/indicatorCatalog.test.ts), the toggle commands, the panel's
 * toolbar and chart series.
 *
 * Pure data with no imports: the protocol re-exports it, so the webview reads the drawing
 * description without the engine's indicator classes (the factories stay in createIndicator.ts,
 * where the compiler demands one per candle kind).
 */

/** One numeric parameter of an indicator. */
export interface ParameterDeclaration {
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** Whole numbers only (periods, depths). */
  readonly integer: boolean;
  /** Another parameter of the same indicator this one must stay below (MACD's fast < slow). */
  readonly below?: string;
}

/** Where a panel draws an indicator: on the price pane, or in a pane of its own. */
export type IndicatorPlacement = 'overlay' | 'pane';

/**
 * How a drawn output looks: a line in the indicator's colour, the same dashed (band edges), a line
 * in the accent colour (a signal line), or a histogram coloured by sign.
 */
export type OutputStyle = 'line' | 'dashedLine' | 'accentLine' | 'histogram';

/**
 * How values are written on the axis and in the legend: in the market's price precision, compact
 * or fixed by magnitude (price differences around zero), as a volume, or with fixed decimals.
 */
export type ValueFormat = 'price' | 'free' | 'volume' | { readonly decimals: number };

export interface IndicatorDeclaration {
  /** Name in menus, commands and messages. */
  readonly title: string;
  /**
   * `candles`: an engine indicator computed from the bars, built by createIndicator from options.
   * `orderFlow`: a metric every market keeps (book imbalance, CVD); a panel only chooses to show it.
   */
  readonly computedFrom: 'candles' | 'orderFlow';
  /** A candle indicator that follows one price of the bar (the `source` option, default close). */
  readonly followsPrice: boolean;
  /** Parameters a user sets, by name. */
  readonly parameters: Readonly<Record<string, ParameterDeclaration>>;
  /** Shown on new charts unless the user's settings say otherwise. */
  readonly shownByDefault: boolean;
  readonly draw: {
    readonly placement: IndicatorPlacement;
    /** The outputs drawn, by the engine's output name (others, such as an OHLC metric's open, are not). */
    readonly outputs: Readonly<Record<string, OutputStyle>>;
    readonly values: ValueFormat;
    /** Horizontal reference levels (RSI's 70/30). */
    readonly levels?: readonly number[];
  };
}

/** Largest period (bars). Also keeps Bollinger's accuracy bound (see bollingerBands.ts). */
export const MAX_PERIOD = 10_000;

const period = (value: number): ParameterDeclaration => ({ default: value, min: 1, max: MAX_PERIOD, integer: true });
const priceLine = { placement: 'overlay', values: 'price' } as const;

/** In the order menus list them: overlays, then panes. */
export const INDICATOR_CATALOG = {
  sma: {
    title: 'SMA',
    computedFrom: 'candles',
    followsPrice: true,
    parameters: { period: period(50) },
    shownByDefault: false,
    draw: { ...priceLine, outputs: { sma: 'line' } },
  },
  ema: {
    title: 'EMA',
    computedFrom: 'candles',
    followsPrice: true,
    parameters: { period: period(21) },
    shownByDefault: true,
    draw: { ...priceLine, outputs: { ema: 'line' } },
  },
  wma: {
    title: 'WMA',
    computedFrom: 'candles',
    followsPrice: true,
    parameters: { period: period(20) },
    shownByDefault: false,
    draw: { ...priceLine, outputs: { wma: 'line' } },
  },
  bollinger: {
    title: 'Bollinger Bands',
    computedFrom: 'candles',
    followsPrice: true,
    parameters: {
      period: period(20),
      /** Band half-width in standard deviations (the usual `k`). */
      multiplier: { default: 2, min: 0.1, max: 10, integer: false },
    },
    shownByDefault: false,
    draw: { ...priceLine, outputs: { middle: 'line', upper: 'dashedLine', lower: 'dashedLine' } },
  },
  vwap: {
    title: 'VWAP',
    computedFrom: 'candles',
    followsPrice: false,
    parameters: {},
    shownByDefault: true,
    draw: { ...priceLine, outputs: { vwap: 'line' } },
  },
  rsi: {
    title: 'RSI',
    computedFrom: 'candles',
    followsPrice: true,
    parameters: { period: period(14) },
    shownByDefault: false,
    draw: { placement: 'pane', outputs: { rsi: 'line' }, values: { decimals: 1 }, levels: [70, 30] },
  },
  macd: {
    title: 'MACD',
    computedFrom: 'candles',
    followsPrice: true,
    parameters: { fast: { ...period(12), below: 'slow' }, slow: period(26), signal: period(9) },
    shownByDefault: false,
    draw: { placement: 'pane', outputs: { macd: 'line', signal: 'accentLine', histogram: 'histogram' }, values: 'free' },
  },
  imbalance: {
    title: 'Order-Book Imbalance (OBI)',
    computedFrom: 'orderFlow',
    followsPrice: false,
    /** Levels per side measured. */
    parameters: { depth: { default: 20, min: 1, max: 1000, integer: true } },
    shownByDefault: false,
    draw: { placement: 'pane', outputs: { close: 'line' }, values: { decimals: 3 } },
  },
  cvd: {
    title: 'Cumulative Volume Delta (CVD)',
    computedFrom: 'orderFlow',
    followsPrice: false,
    parameters: {},
    shownByDefault: false,
    draw: { placement: 'pane', outputs: { close: 'line' }, values: 'volume' },
  },
} as const satisfies Readonly<Record<string, IndicatorDeclaration>>;

type Catalog = typeof INDICATOR_CATALOG;
export type IndicatorKind = keyof Catalog;
export const INDICATOR_KINDS = Object.keys(INDICATOR_CATALOG) as readonly IndicatorKind[];

/** The kinds the engine builds from candles (createIndicator's kinds). */
export type CandleIndicatorKind = { [K in IndicatorKind]: Catalog[K]['computedFrom'] extends 'candles' ? K : never }[IndicatorKind];
export const CANDLE_INDICATOR_KINDS = INDICATOR_KINDS.filter(
  (kind) => INDICATOR_CATALOG[kind].computedFrom === 'candles',
) as readonly CandleIndicatorKind[];

/** The parameter names of kind `K`, e.g. `'fast' | 'slow' | 'signal'` for MACD. */
export type ParameterName<K extends IndicatorKind> = keyof Catalog[K]['parameters'] & string;
/** Kind `K`'s parameters as values. */
export type ParameterValues<K extends IndicatorKind> = { -readonly [P in ParameterName<K>]: number };

/** Kind `kind`'s declared parameters as `[name, declaration]` pairs, in declaration order. */
export function parametersOf(kind: IndicatorKind): readonly (readonly [string, ParameterDeclaration])[] {
  return Object.entries(INDICATOR_CATALOG[kind].parameters as Readonly<Record<string, ParameterDeclaration>>);
}

/** Kind `kind`'s declaration, widened (for code that walks every kind alike). */
export function declarationOf(kind: IndicatorKind): IndicatorDeclaration {
  return INDICATOR_CATALOG[kind];
}
