/**
 * The indicator settings, derived from the indicator catalog: `orderscope.indicators` defaults to
 * the kinds declared shown by default, and `orderscope.indicatorParameters` holds one key per
 * declared parameter, named kind + parameter (`emaPeriod`, `macdFast`, `imbalanceDepth`), with the
 * declared default and bounds. package.json's schema for both is checked against these
 * (test/unit/indicatorCatalog.test.ts).
 */
import {
  INDICATOR_CATALOG,
  INDICATOR_KINDS,
  parametersOf,
  type IndicatorKind,
  type ParameterDeclaration,
  type ParameterName,
} from '../../engine/indicators/indicatorCatalog';

/** A parameter's key in the setting, e.g. `macdFast`. */
export type ParameterKey = { [K in IndicatorKind]: `${K}${Capitalize<ParameterName<K>>}` }[IndicatorKind];
export type IndicatorParameters = Record<ParameterKey, number>;

export function parameterKey<K extends IndicatorKind>(kind: K, name: ParameterName<K>): ParameterKey {
  return `${kind}${name.charAt(0).toUpperCase()}${name.slice(1)}` as ParameterKey;
}

/** One key of the setting and the declaration it comes from. */
export interface ParameterSetting {
  readonly key: ParameterKey;
  readonly kind: IndicatorKind;
  readonly name: string;
  readonly declaration: ParameterDeclaration;
}

/** Every key of `orderscope.indicatorParameters`, in catalog order. */
export const PARAMETER_SETTINGS: readonly ParameterSetting[] = INDICATOR_KINDS.flatMap((kind) =>
  parametersOf(kind).map(([name, declaration]) => ({
    key: parameterKey(kind, name as ParameterName<typeof kind>),
    kind,
    name,
    declaration,
  })),
);

export const DEFAULT_INDICATOR_PARAMETERS: Readonly<IndicatorParameters> = Object.fromEntries(
  PARAMETER_SETTINGS.map((p) => [p.key, p.declaration.default]),
) as unknown as IndicatorParameters;

/** The kinds new charts show: those declared shown by default. */
export const DEFAULT_PANEL_INDICATORS: readonly IndicatorKind[] = INDICATOR_KINDS.filter((kind) => INDICATOR_CATALOG[kind].shownByDefault);

/** What is wrong with one parameter's value, or null. */
function valueProblem({ min, max, integer }: ParameterDeclaration, v: unknown): string | null {
  const ok = typeof v === 'number' && (integer ? Number.isInteger(v) : Number.isFinite(v)) && v >= min && v <= max;
  return ok ? null : `must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`;
}

/**
 * What is wrong with a raw `orderscope.indicatorParameters` value (any subset of the keys, merged
 * over the defaults), or null: an unknown key, a value out of its declared bounds, or a
 * parameter not below the one it must stay below (`macdFast must be less than macdSlow`). O(keys).
 */
export function indicatorParametersProblem(v: unknown): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'must be an object of indicator parameters';
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!Object.prototype.hasOwnProperty.call(DEFAULT_INDICATOR_PARAMETERS, key)) return `has an unknown parameter "${key}"`;
  for (const p of PARAMETER_SETTINGS) {
    if (!(p.key in o)) continue;
    const problem = valueProblem(p.declaration, o[p.key]);
    if (problem !== null) return `${p.key} ${problem}`;
  }
  const merged = { ...DEFAULT_INDICATOR_PARAMETERS, ...o } as Record<string, number>;
  for (const p of PARAMETER_SETTINGS) {
    if (p.declaration.below === undefined) continue;
    const other = parameterKey(p.kind, p.declaration.below as ParameterName<typeof p.kind>);
    if (!(merged[p.key]! < merged[other]!)) return `${p.key} must be less than ${other}`;
  }
  return null;
}

/** One problem of a raw `orderscope.indicatorParameters`: the parameter it names (null: the whole value). */
export interface ParameterProblem {
  key: string | null;
  problem: string;
}

/**
 * Reads a raw `orderscope.indicatorParameters` field by field: each bad parameter takes its
 * default alone (the others keep their values), with a problem naming it; an unknown key is
 * ignored with a problem; a non-object takes every default. A pair that must stay ordered
 * (`macdFast` below `macdSlow`) drops the value the user set (the lower one when both were).
 * O(keys).
 */
export function readIndicatorParameters(v: unknown): { value: IndicatorParameters; problems: ParameterProblem[] } {
  const value = { ...DEFAULT_INDICATOR_PARAMETERS } as Record<string, number>;
  const defaults = DEFAULT_INDICATOR_PARAMETERS as Readonly<Record<string, number>>;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return { value: value as IndicatorParameters, problems: [{ key: null, problem: `must be an object of indicator parameters; got ${JSON.stringify(v)}, using the defaults` }] };
  }
  const o = v as Record<string, unknown>;
  const problems: ParameterProblem[] = [];
  const given = new Set<string>();
  for (const key of Object.keys(o)) if (!Object.prototype.hasOwnProperty.call(defaults, key)) problems.push({ key: null, problem: `has an unknown parameter "${key}"; ignored` });
  for (const p of PARAMETER_SETTINGS) {
    if (!Object.prototype.hasOwnProperty.call(o, p.key)) continue;
    const problem = valueProblem(p.declaration, o[p.key]);
    if (problem === null) {
      value[p.key] = o[p.key] as number;
      given.add(p.key);
    } else problems.push({ key: p.key, problem: `${problem}; got ${JSON.stringify(o[p.key])}, using ${defaults[p.key]}` });
  }
  const fallBack = (key: string, problem: string): void => {
    problems.push({ key, problem: `${problem}; got ${value[key]}, using ${defaults[key]}` });
    value[key] = defaults[key]!;
  };
  for (const p of PARAMETER_SETTINGS) {
    if (p.declaration.below === undefined) continue;
    const lower = p.key;
    const upper = parameterKey(p.kind, p.declaration.below as ParameterName<typeof p.kind>);
    const ordered = (): boolean => value[lower]! < value[upper]!;
    const dropLower = (): void => fallBack(lower, `must be less than ${upper} (${value[upper]})`);
    const dropUpper = (): void => fallBack(upper, `must be greater than ${lower} (${value[lower]})`);
    if (ordered()) continue;
    if (given.has(lower)) dropLower();
    else dropUpper();
    // Both defaults are ordered: a second fallback always ends it.
    if (ordered()) continue;
    if (given.has(lower)) dropUpper();
    else dropLower();
  }
  return { value: value as IndicatorParameters, problems };
}
