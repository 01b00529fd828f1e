/**
 * Indicator options: the plain objects a setting or a protocol message carries
 * (`{ kind: 'ema', period: 21 }`), their defaults, and their validation, all derived from the
 * catalog's declarations (indicatorCatalog.ts) plus the options every candle indicator shares:
 * `capacity`, and `source` for those that follow one price.
 *
 * Options are merged over the kind's defaults; every key is checked, and an unknown key is an
 * error too (a typo such as `peroid` would otherwise silently fall back to the default).
 */
import { EngineError } from '../engineError';
import {
  CANDLE_INDICATOR_KINDS,
  INDICATOR_CATALOG,
  parametersOf,
  type CandleIndicatorKind,
  type ParameterDeclaration,
  type ParameterValues,
} from './indicatorCatalog';
import { PRICE_SOURCES, type PriceSource } from './priceSource';

export { MAX_PERIOD } from './indicatorCatalog';
/** Largest accepted history ring (bars). */
export const MAX_CAPACITY = 1 << 20;
/** Default history ring (bars); matches the candle series' default so every held bar has values. */
export const DEFAULT_CAPACITY = 20_000;

type Catalog = typeof INDICATOR_CATALOG;
type Flatten<T> = { [P in keyof T]: T[P] };

/** Kind `K`'s full options: its kind, its parameters, `source` if it follows a price, `capacity`. */
export type OptionsOf<K extends CandleIndicatorKind> = Flatten<
  { kind: K } & ParameterValues<K> & (Catalog[K]['followsPrice'] extends true ? { source: PriceSource } : unknown) & { capacity: number }
>;
export type IndicatorOptions = { [K in CandleIndicatorKind]: OptionsOf<K> }[CandleIndicatorKind];
export type SmaOptions = OptionsOf<'sma'>;
export type EmaOptions = OptionsOf<'ema'>;
export type WmaOptions = OptionsOf<'wma'>;
export type RsiOptions = OptionsOf<'rsi'>;
export type MacdOptions = OptionsOf<'macd'>;
export type BollingerOptions = OptionsOf<'bollinger'>;
export type VwapOptions = OptionsOf<'vwap'>;
/** What a caller writes: any subset of a kind's options (the kind may be left out for a class). */
export type PartialOptionsOf<K extends CandleIndicatorKind> = Partial<OptionsOf<K>>;
/** What the factory accepts: the kind plus any subset of its other options. */
export type IndicatorOptionsInput = {
  [K in CandleIndicatorKind]: { kind: K } & Partial<Omit<OptionsOf<K>, 'kind'>>;
}[CandleIndicatorKind];

/** Defaults per kind, in the order error messages list the options: kind, parameters, source, capacity. */
const DEFAULTS = byKind<Readonly<Record<string, unknown>>>((kind) => ({
  kind,
  ...Object.fromEntries(parametersOf(kind).map(([name, p]) => [name, p.default])),
  ...(INDICATOR_CATALOG[kind].followsPrice ? { source: 'close' } : {}),
  capacity: DEFAULT_CAPACITY,
}));

function byKind<T>(make: (kind: CandleIndicatorKind) => T): Readonly<Record<CandleIndicatorKind, T>> {
  const table = {} as Record<CandleIndicatorKind, T>;
  for (const kind of CANDLE_INDICATOR_KINDS) table[kind] = make(kind);
  return table;
}

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

/** What a declared parameter accepts, in words and as a test. */
export function parameterRule(p: ParameterDeclaration): Rule {
  const { min, max, integer } = p;
  return {
    requirement: `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`,
    accepts: (value) =>
      typeof value === 'number' && (integer ? Number.isInteger(value) : Number.isFinite(value)) && value >= min && value <= max,
  };
}

/** The options every candle indicator shares (and the order-flow metrics' `capacity`). */
const SHARED_RULES: Readonly<Record<string, Rule>> = {
  capacity: parameterRule({ default: DEFAULT_CAPACITY, min: 1, max: MAX_CAPACITY, integer: true }),
  source: {
    requirement: `one of ${PRICE_SOURCES.join(', ')}`,
    accepts: (value) => typeof value === 'string' && (PRICE_SOURCES as readonly string[]).includes(value),
  },
};

/** Per kind, the rule of every option but `kind`. */
const RULES = byKind<Readonly<Record<string, Rule>>>((kind) => ({
  ...SHARED_RULES,
  ...Object.fromEntries(parametersOf(kind).map(([name, p]) => [name, parameterRule(p)])),
}));

/** A value as an error message shows it. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function check(owner: string, rules: Readonly<Record<string, Rule>>, key: string, value: unknown): void {
  const rule = rules[key];
  if (rule === undefined) throw new IndicatorOptionsError(key, `${owner} has no option "${key}"`);
  if (!rule.accepts(value)) {
    throw new IndicatorOptionsError(key, `${owner} option "${key}" must be ${rule.requirement}; got ${describeValue(value)}`);
  }
}

/**
 * Throws {@link IndicatorOptionsError} unless `value` is valid for the shared option `key`
 * (`capacity`, `source`); `owner` starts the message (`CVD`). O(1); allocates only the error.
 */
export function checkOption(owner: string, key: string, value: unknown): void {
  check(owner, SHARED_RULES, key, value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates `input` and merges it over its kind's defaults. Keys whose value is `undefined` count
 * as absent. Throws {@link IndicatorOptionsError} naming the first bad parameter: `options` (not
 * an object), `kind` (missing or unknown), an unknown key, a bad value, or a parameter not below
 * the one it must stay below (MACD's `fast` ≥ `slow`). O(keys); allocates the result.
 * Configuration path only.
 */
export function resolveIndicatorOptions(input: unknown): IndicatorOptions {
  if (!isPlainObject(input)) {
    throw new IndicatorOptionsError('options', `indicator options must be an object; got ${describeValue(input)}`);
  }
  const kind = input.kind;
  if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(DEFAULTS, kind)) {
    throw new IndicatorOptionsError(
      'kind',
      `indicator option "kind" must be one of ${CANDLE_INDICATOR_KINDS.join(', ')}; got ${describeValue(kind)}`,
    );
  }
  const candleKind = kind as CandleIndicatorKind;
  const defaults = DEFAULTS[candleKind];
  const owner = INDICATOR_CATALOG[candleKind].title;
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
    if (key !== 'kind') check(owner, RULES[candleKind], key, merged[key]);
  }
  for (const [name, p] of parametersOf(candleKind)) {
    if (p.below !== undefined && (merged[name] as number) >= (merged[p.below] as number)) {
      throw new IndicatorOptionsError(
        name,
        `${owner} option "${name}" must be less than "${p.below}"; got ${name} ${String(merged[name])}, ${p.below} ${String(merged[p.below])}`,
      );
    }
  }
  return merged as unknown as IndicatorOptions;
}

/**
 * {@link resolveIndicatorOptions} for a known kind, as the indicator classes' constructors use it:
 * `input.kind`, if given, must equal `kind`. Same errors and cost.
 */
export function resolveOptionsOf<K extends CandleIndicatorKind>(kind: K, input: PartialOptionsOf<K>): OptionsOf<K> {
  if (input.kind !== undefined && input.kind !== kind) {
    throw new IndicatorOptionsError(
      'kind',
      `${INDICATOR_CATALOG[kind].title} options must have kind "${kind}"; got ${describeValue(input.kind)}`,
    );
  }
  return resolveIndicatorOptions({ ...input, kind }) as OptionsOf<K>;
}
