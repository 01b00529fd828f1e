/**
 * Indicator options: the plain objects a setting or a protocol message carries
 * (`{ kind: 'ema', period: 21 }`), their defaults, and their validation.
 *
 * Options are merged over the kind's defaults; every key is checked, and an unknown key is an
 * error too (a typo such as `peroid` would otherwise silently fall back to the default).
 */
import { EngineError } from '../engineError';
import { PRICE_SOURCES, type PriceSource } from './priceSource';

/** Largest accepted period (bars). Also keeps Bollinger's accuracy bound (see bollingerBands.ts). */
export const MAX_PERIOD = 10_000;
/** Largest accepted history ring (bars). */
export const MAX_CAPACITY = 1 << 20;
/** Default history ring (bars); matches the candle series' default so every held bar has values. */
export const DEFAULT_CAPACITY = 20_000;

export interface SmaOptions {
  kind: 'sma';
  period: number;
  source: PriceSource;
  capacity: number;
}
export interface EmaOptions {
  kind: 'ema';
  period: number;
  source: PriceSource;
  capacity: number;
}
export interface WmaOptions {
  kind: 'wma';
  period: number;
  source: PriceSource;
  capacity: number;
}
export interface RsiOptions {
  kind: 'rsi';
  period: number;
  source: PriceSource;
  capacity: number;
}
export interface MacdOptions {
  kind: 'macd';
  fast: number;
  slow: number;
  signal: number;
  source: PriceSource;
  capacity: number;
}
export interface BollingerOptions {
  kind: 'bollinger';
  period: number;
  /** Band half-width in standard deviations (the usual `k`, default 2). */
  multiplier: number;
  source: PriceSource;
  capacity: number;
}
export interface VwapOptions {
  kind: 'vwap';
  capacity: number;
}

export type IndicatorOptions =
  | SmaOptions
  | EmaOptions
  | WmaOptions
  | RsiOptions
  | MacdOptions
  | BollingerOptions
  | VwapOptions;
export type IndicatorKind = IndicatorOptions['kind'];
export type OptionsOf<K extends IndicatorKind> = Extract<IndicatorOptions, { kind: K }>;
/** What a caller writes: any subset of a kind's options (the kind may be left out for a class). */
export type PartialOptionsOf<K extends IndicatorKind> = Partial<OptionsOf<K>>;
/** What the factory accepts: the kind plus any subset of its other options. */
export type IndicatorOptionsInput = {
  [K in IndicatorKind]: { kind: K } & Partial<Omit<OptionsOf<K>, 'kind'>>;
}[IndicatorKind];

/** Defaults per kind (TradingView's, except the ring capacity). */
export const INDICATOR_DEFAULTS: { readonly [K in IndicatorKind]: Readonly<OptionsOf<K>> } = {
  sma: { kind: 'sma', period: 9, source: 'close', capacity: DEFAULT_CAPACITY },
  ema: { kind: 'ema', period: 9, source: 'close', capacity: DEFAULT_CAPACITY },
  wma: { kind: 'wma', period: 9, source: 'close', capacity: DEFAULT_CAPACITY },
  rsi: { kind: 'rsi', period: 14, source: 'close', capacity: DEFAULT_CAPACITY },
  macd: { kind: 'macd', fast: 12, slow: 26, signal: 9, source: 'close', capacity: DEFAULT_CAPACITY },
  bollinger: { kind: 'bollinger', period: 20, multiplier: 2, source: 'close', capacity: DEFAULT_CAPACITY },
  vwap: { kind: 'vwap', capacity: DEFAULT_CAPACITY },
};

export const INDICATOR_KINDS = Object.keys(INDICATOR_DEFAULTS) as readonly IndicatorKind[];

/** How messages name each kind. */
const KIND_NAMES: Readonly<Record<IndicatorKind, string>> = {
  sma: 'SMA',
  ema: 'EMA',
  wma: 'WMA',
  rsi: 'RSI',
  macd: 'MACD',
  bollinger: 'Bollinger Bands',
  vwap: 'VWAP',
};

/** A refused option: `parameter` names the key (`options` when the whole value is not an object). */
export class IndicatorOptionsError extends EngineError {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super('badParameter', message);
    this.name = 'IndicatorOptionsError';
  }
}

interface Rule {
  readonly requirement: string;
  readonly accepts: (value: unknown) => boolean;
}

const isIntegerIn = (min: number, max: number) => (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

const PERIOD_RULE: Rule = {
  requirement: `an integer from 1 to ${MAX_PERIOD}`,
  accepts: isIntegerIn(1, MAX_PERIOD),
};

const RULES: Readonly<Record<string, Rule>> = {
  period: PERIOD_RULE,
  fast: PERIOD_RULE,
  slow: PERIOD_RULE,
  signal: PERIOD_RULE,
  capacity: { requirement: `an integer from 1 to ${MAX_CAPACITY}`, accepts: isIntegerIn(1, MAX_CAPACITY) },
  multiplier: {
    requirement: 'a finite number greater than 0',
    accepts: (value) => typeof value === 'number' && Number.isFinite(value) && value > 0,
  },
  source: {
    requirement: `one of ${PRICE_SOURCES.join(', ')}`,
    accepts: (value) => typeof value === 'string' && (PRICE_SOURCES as readonly string[]).includes(value),
  },
};

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/**
 * Throws {@link IndicatorOptionsError} unless `value` is valid for option `key` (`period`, `fast`,
 * `slow`, `signal`, `capacity`, `multiplier`, `source`); `owner` starts the message (`EMA`).
 * O(1); allocates only the error. Configuration path only.
 */
export function checkOption(owner: string, key: string, value: unknown): void {
  const rule = RULES[key];
  if (rule === undefined) throw new IndicatorOptionsError(key, `${owner} has no option "${key}"`);
  if (!rule.accepts(value)) {
    throw new IndicatorOptionsError(
      key,
      `${owner} option "${key}" must be ${rule.requirement}; got ${describe(value)}`,
    );
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates `input` and merges it over its kind's defaults. Keys whose value is `undefined` count
 * as absent. Throws {@link IndicatorOptionsError} naming the first bad parameter: `options` (not
 * an object), `kind` (missing or unknown), an unknown key, a bad value, or `fast` when
 * `fast >= slow`. O(keys); allocates the result. Configuration path only.
 */
export function resolveIndicatorOptions(input: unknown): IndicatorOptions {
  if (!isPlainObject(input)) {
    throw new IndicatorOptionsError('options', `indicator options must be an object; got ${describe(input)}`);
  }
  const kind = input.kind;
  if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(INDICATOR_DEFAULTS, kind)) {
    throw new IndicatorOptionsError(
      'kind',
      `indicator option "kind" must be one of ${INDICATOR_KINDS.join(', ')}; got ${describe(kind)}`,
    );
  }
  const defaults: Readonly<Record<string, unknown>> = INDICATOR_DEFAULTS[kind as IndicatorKind];
  const owner = KIND_NAMES[kind as IndicatorKind];
  const merged: Record<string, unknown> = { ...defaults };
  for (const key of Object.keys(input)) {
    if (key === 'kind' || input[key] === undefined) continue;
    if (!Object.prototype.hasOwnProperty.call(defaults, key)) {
      const known = Object.keys(defaults).join(', ');
      throw new IndicatorOptionsError(key, `${owner} has no option "${key}" (options: ${known})`);
    }
    merged[key] = input[key];
  }
  for (const key of Object.keys(merged)) {
    if (key !== 'kind') checkOption(owner, key, merged[key]);
  }
  const options = merged as unknown as IndicatorOptions;
  if (options.kind === 'macd' && options.fast >= options.slow) {
    throw new IndicatorOptionsError(
      'fast',
      `MACD option "fast" must be less than "slow"; got fast ${options.fast}, slow ${options.slow}`,
    );
  }
  return options;
}

/**
 * {@link resolveIndicatorOptions} for a known kind, as the indicator classes' constructors use it:
 * `input.kind`, if given, must equal `kind`. Same errors and cost.
 */
export function resolveOptionsOf<K extends IndicatorKind>(kind: K, input: PartialOptionsOf<K>): OptionsOf<K> {
  if (input.kind !== undefined && input.kind !== kind) {
    throw new IndicatorOptionsError(
      'kind',
      `${KIND_NAMES[kind]} options must have kind "${kind}"; got ${describe(input.kind)}`,
    );
  }
  return resolveIndicatorOptions({ ...input, kind }) as OptionsOf<K>;
}
