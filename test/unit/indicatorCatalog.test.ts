/**
 * The indicator catalog is the one declaration of each indicator: package.json (which cannot
 * import it) must say exactly what it derives, the settings must accept only what the engine
 * builds, and every drawn output must be one the engine computes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createIndicator } from '../../src/engine/indicators/createIndicator';
import { CANDLE_INDICATOR_KINDS, INDICATOR_CATALOG, INDICATOR_KINDS, type IndicatorKind } from '../../src/engine/indicators/indicatorCatalog';
import { CvdBars } from '../../src/engine/metrics/cvdBars';
import { ImbalanceBars } from '../../src/engine/metrics/imbalanceBars';
import { indicatorSpecs } from '../../src/extension/panel/indicatorSpecs';
import { DEFAULT_INDICATOR_PARAMETERS, indicatorParametersProblem, PARAMETER_SETTINGS } from '../../src/extension/settings/indicatorParameters';
import {
  INDICATORS_SETTING,
  PARAMETERS_SETTING,
  syncIndicatorContributions,
  TOGGLE_COMMANDS,
  TOGGLE_PREFIX,
  type Manifest,
} from '../../scripts/indicatorContributions';

const manifest: Manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));

const EXPECTED = {
  'toggle commands': TOGGLE_COMMANDS,
  'orderscope.indicators': INDICATORS_SETTING,
  'orderscope.indicatorParameters (but its description)': PARAMETERS_SETTING,
};

/** The sections of `m` that differ from {@link EXPECTED} (arrays in order, objects by key). */
function manifestDrift(m: Manifest): string[] {
  const properties = m.contributes.configuration.properties;
  const { description: _, ...parameters } = properties['orderscope.indicatorParameters'] ?? {};
  const actual = {
    'toggle commands': m.contributes.commands.filter((c) => c.command.startsWith(TOGGLE_PREFIX)),
    'orderscope.indicators': properties['orderscope.indicators'],
    'orderscope.indicatorParameters (but its description)': parameters,
  };
  return (Object.keys(EXPECTED) as (keyof typeof EXPECTED)[]).filter((section) => !isDeepStrictEqual(actual[section], EXPECTED[section]));
}

describe("package.json's indicator sections derive from the catalog", () => {
  it('the toggle commands, the indicators setting and the parameters setting match exactly', () => {
    const drift = manifestDrift(manifest);
    expect(drift, 'run npm run sync:package').toEqual([]);
  });

  it('reports each kind of drift', () => {
    const edited = (edit: (m: Manifest) => void): string[] => {
      const copy: Manifest = structuredClone(manifest);
      edit(copy);
      return manifestDrift(copy);
    };
    const props = (m: Manifest) => m.contributes.configuration.properties;
    const params = (m: Manifest) => props(m)['orderscope.indicatorParameters']!.properties as Record<string, Record<string, unknown>>;
    expect(edited((m) => m.contributes.commands.splice(m.contributes.commands.findIndex((c) => c.command === `${TOGGLE_PREFIX}rsi`), 1))).toEqual(['toggle commands']);
    expect(edited((m) => (m.contributes.commands.find((c) => c.command === `${TOGGLE_PREFIX}macd`)!.command = `${TOGGLE_PREFIX}ppo`))).toEqual(['toggle commands']);
    expect(edited((m) => ((props(m)['orderscope.indicators']!.items as { enum: string[] }).enum.push('ppo')))).toEqual(['orderscope.indicators']);
    expect(edited((m) => (props(m)['orderscope.indicators']!.default = ['ema']))).toEqual(['orderscope.indicators']);
    expect(edited((m) => (params(m).rsiPeriod!.maximum = 1000))).toEqual(['orderscope.indicatorParameters (but its description)']);
    expect(edited((m) => delete params(m).imbalanceDepth)).toEqual(['orderscope.indicatorParameters (but its description)']);
    expect(edited((m) => ((props(m)['orderscope.indicatorParameters']!.default as Record<string, number>).emaPeriod = 9))).toEqual([
      'orderscope.indicatorParameters (but its description)',
    ]);
    expect(edited((m) => (props(m)['orderscope.indicatorParameters']!.description = 'reworded'))).toEqual([]);
  });

  it('sync:package writes a drifted manifest back to the catalog, keeping the rest', () => {
    const drifted: Manifest = structuredClone(manifest);
    drifted.contributes.commands = drifted.contributes.commands.filter((c) => c.command !== `${TOGGLE_PREFIX}vwap`);
    delete drifted.contributes.configuration.properties['orderscope.indicators'];
    expect(syncIndicatorContributions(drifted)).toEqual(manifest);
  });
});

describe('the catalog agrees with the engine', () => {
  const outputsOf = (kind: IndicatorKind): readonly string[] =>
    kind === 'imbalance' ? ImbalanceBars.OUTPUTS : kind === 'cvd' ? CvdBars.OUTPUTS : createIndicator({ kind }).outputs;

  it.each(INDICATOR_KINDS)('%s: every drawn output is one the engine computes', (kind) => {
    const drawn = Object.keys(INDICATOR_CATALOG[kind].draw.outputs);
    expect(drawn.length).toBeGreaterThan(0);
    expect(outputsOf(kind)).toEqual(expect.arrayContaining(drawn));
  });

  it('the default settings build every candle indicator with the declared defaults', () => {
    const indicators = indicatorSpecs(INDICATOR_KINDS, DEFAULT_INDICATOR_PARAMETERS).map(createIndicator);
    expect(indicators.map((i) => i.options.kind)).toEqual(CANDLE_INDICATOR_KINDS);
    expect(indicators.map((i) => i.label)).toEqual(['SMA(50)', 'EMA(21)', 'WMA(20)', 'BB(20,2)', 'VWAP', 'RSI(14)', 'MACD(12,26,9)']);
  });

  it.each(PARAMETER_SETTINGS.map((p) => [p.key, p] as const))('%s: out of bounds is refused; whatever the setting accepts, the engine builds', (key, p) => {
    const { min, max, integer } = p.declaration;
    const refused = [min - 1, max + 1, Number.NaN, '5', ...(integer ? [min + 0.5] : [])];
    for (const value of refused) expect(indicatorParametersProblem({ [key]: value }), `${key}=${String(value)}`).toMatch(new RegExp(`^${key} must be`));
    for (const value of [min, max, p.declaration.default]) {
      const parameters = { ...DEFAULT_INDICATOR_PARAMETERS, [key]: value };
      if (indicatorParametersProblem({ [key]: value }) !== null) continue; // e.g. macdFast at its max is not below macdSlow
      expect(() => indicatorSpecs(INDICATOR_KINDS, parameters).map(createIndicator), `${key}=${value}`).not.toThrow();
    }
  });

  it("a parameter that must stay below another is refused by both, naming both", () => {
    expect(indicatorParametersProblem({ macdFast: 26 })).toBe('macdFast must be less than macdSlow');
    expect(() => createIndicator({ kind: 'macd', fast: 26 })).toThrow('MACD option "fast" must be less than "slow"');
  });
});
