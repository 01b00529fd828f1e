import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSettings, SETTING_SPECS } from '../../src/extension/settings/settingsModel';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
const schema: Record<string, { default: unknown; enum?: unknown[]; minimum?: number; maximum?: number }> = manifest.contributes.configuration.properties;

describe('settings', () => {
  it('unset settings take the defaults with no problem', () => {
    const { settings, problems } = readSettings(() => undefined);
    expect(problems).toEqual([]);
    expect(settings.exchange).toBe('binance');
    expect(settings.maxFps).toBe(10);
    expect(settings.indicatorParameters.rsiPeriod).toBe(14);
  });

  it('a bad value gets a message naming the setting and falls back to its default', () => {
    const raw: Record<string, unknown> = {
      'chart.maxFps': 500,
      timeframe: '7m',
      'network.socksProxy': 'not a url',
      'statusBar.symbols': ['BTC/USDT', 42],
      indicatorParameters: { macdFast: 30, macdSlow: 26 },
      'network.endpoints': { binance: 'oops' },
      symbol: 'ETH/USDT',
    };
    const { settings, problems } = readSettings((k) => raw[k]);
    expect(settings.maxFps).toBe(10);
    expect(settings.timeframe).toBe('1m');
    expect(settings.socksProxy).toBe('');
    expect(settings.statusBarSymbols).toEqual(['BTC/USDT']);
    expect(settings.indicatorParameters.macdFast).toBe(12);
    expect(settings.endpoints).toEqual({});
    expect(settings.symbol).toBe('ETH/USDT'); // good values are kept
    expect(problems).toHaveLength(6);
    expect(problems[0]).toMatch(/^orderscope\.timeframe must be one of .*got "7m", using "1m"$/);
    expect(problems.join('\n')).toMatch(/orderscope\.chart\.maxFps must be a whole number from 1 to 60; got 500, using 10/);
    expect(problems.join('\n')).toMatch(/orderscope\.indicatorParameters\.macdFast must be less than macdSlow \(26\); got 30, using 12/);
  });

  it('in indicatorParameters, each bad field falls back alone with a message naming that field', () => {
    const raw = { emaPeriod: 9, rsiPeriod: 0, macdSignal: 'seven', imbalanceDepth: 50, smaPerod: 20 };
    const { settings, problems } = readSettings((k) => (k === 'indicatorParameters' ? raw : undefined));
    // The good fields are kept; each bad one takes its own default.
    expect(settings.indicatorParameters).toMatchObject({ emaPeriod: 9, imbalanceDepth: 50, rsiPeriod: 14, macdSignal: 9, smaPeriod: 50 });
    expect(problems).toEqual([
      'orderscope.indicatorParameters has an unknown parameter "smaPerod"; ignored',
      'orderscope.indicatorParameters.rsiPeriod must be a whole number from 1 to 10000; got 0, using 14',
      'orderscope.indicatorParameters.macdSignal must be a whole number from 1 to 10000; got "seven", using 9',
    ]);
  });

  it('an ordered pair drops the value the user set: a slow MACD below the default fast one falls back, the fast one is kept', () => {
    const read = (raw: unknown) => readSettings((k) => (k === 'indicatorParameters' ? raw : undefined));
    const slowOnly = read({ macdSlow: 10, emaPeriod: 5 });
    expect(slowOnly.settings.indicatorParameters).toMatchObject({ macdFast: 12, macdSlow: 26, emaPeriod: 5 });
    expect(slowOnly.problems).toEqual(['orderscope.indicatorParameters.macdSlow must be greater than macdFast (12); got 10, using 26']);
    const both = read({ macdFast: 8, macdSlow: 6 });
    expect(both.settings.indicatorParameters).toMatchObject({ macdFast: 12, macdSlow: 26 });
    expect(both.problems).toEqual([
      'orderscope.indicatorParameters.macdFast must be less than macdSlow (6); got 8, using 12',
      'orderscope.indicatorParameters.macdSlow must be greater than macdFast (12); got 6, using 26',
    ]);
    expect(read('fast').problems).toEqual(['orderscope.indicatorParameters must be an object of indicator parameters; got "fast", using the defaults']);
  });

  it('partial indicator parameters are merged over the defaults', () => {
    const { settings } = readSettings((k) => (k === 'indicatorParameters' ? { emaPeriod: 9 } : undefined));
    expect(settings.indicatorParameters).toMatchObject({ emaPeriod: 9, rsiPeriod: 14 });
  });

  it("package.json's configuration schema matches the typed defaults, enums and ranges", () => {
    expect(Object.keys(schema).sort()).toEqual(SETTING_SPECS.map((s) => `orderscope.${s.key}`).sort());
    for (const spec of SETTING_SPECS) {
      const entry = schema[`orderscope.${spec.key}`]!;
      expect(entry.default, spec.key).toEqual(spec.default);
      expect(spec.check(entry.default), spec.key).toBeNull();
      for (const value of entry.enum ?? []) expect(spec.check(value), `${spec.key}=${String(value)}`).toBeNull();
      if (entry.minimum !== undefined) {
        expect(spec.check(entry.minimum), spec.key).toBeNull();
        expect(spec.check(entry.minimum - 1), spec.key).not.toBeNull();
      }
      if (entry.maximum !== undefined) {
        expect(spec.check(entry.maximum), spec.key).toBeNull();
        expect(spec.check(entry.maximum + 1), spec.key).not.toBeNull();
      }
    }
  });
});
