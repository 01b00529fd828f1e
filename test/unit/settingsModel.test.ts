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
    expect(settings.maxFps).toBe(20);
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
    expect(settings.maxFps).toBe(20);
    expect(settings.timeframe).toBe('1m');
    expect(settings.socksProxy).toBe('');
    expect(settings.statusBarSymbols).toEqual(['BTC/USDT']);
    expect(settings.indicatorParameters.macdFast).toBe(12);
    expect(settings.endpoints).toEqual({});
    expect(settings.symbol).toBe('ETH/USDT'); // good values are kept
    expect(problems).toHaveLength(6);
    expect(problems[0]).toMatch(/^orderscope\.timeframe must be one of .*got "7m", using "1m"$/);
    expect(problems.join('\n')).toMatch(/orderscope\.chart\.maxFps must be a whole number from 1 to 60; got 500, using 20/);
    expect(problems.join('\n')).toMatch(/orderscope\.indicatorParameters macdFast must be less than macdSlow/);
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
