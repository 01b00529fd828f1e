/**
 * Settings as the parts of the extension consume them: which keys a change touched (each part
 * reacts only to its own) and status-bar entries that carry their exchange.
 */
import { describe, expect, test } from 'vitest';
import { changedSettings, marketEntry, readSettings, splitMarketEntry, statusBarMarkets } from '../../src/extension/settings/settingsModel';

const read = (values: Record<string, unknown>) => readSettings((key) => values[key]);

describe('a settings change names its keys', () => {
  test('only the fields whose values differ, compared by value (lists and objects too)', () => {
    const before = read({ 'statusBar.symbols': ['BTC/USDT'], 'network.endpoints': { binance: { rateLimit: 10 } } }).settings;
    const same = read({ 'statusBar.symbols': ['BTC/USDT'], 'network.endpoints': { binance: { rateLimit: 10 } } }).settings;
    expect(changedSettings(before, same).size).toBe(0);
    const after = read({ 'statusBar.symbols': ['BTC/USDT', 'ETH/USDT'], 'network.endpoints': { binance: { rateLimit: 20 } }, 'statusBar.format': 'compact' }).settings;
    expect([...changedSettings(before, after)].sort()).toEqual(['endpoints', 'statusBarFormat', 'statusBarSymbols']);
  });
});

describe('status-bar entries carry their exchange', () => {
  test('a prefix before the first colon names the exchange; a swap symbol\'s own colon is not one', () => {
    expect(splitMarketEntry('BTC/USDT')).toEqual({ exchange: undefined, symbol: 'BTC/USDT' });
    expect(splitMarketEntry('okx:BTC/USDT')).toEqual({ exchange: 'okx', symbol: 'BTC/USDT' });
    expect(splitMarketEntry('BTC/USDT:USDT')).toEqual({ exchange: undefined, symbol: 'BTC/USDT:USDT' });
    expect(splitMarketEntry('binanceusdm:BTC/USDT:USDT')).toEqual({ exchange: 'binanceusdm', symbol: 'BTC/USDT:USDT' });
  });

  test('plain entries take the exchange setting; repeats are dropped; the round trip keeps the market', () => {
    const settings = read({ exchange: 'binance', 'statusBar.symbols': ['BTC/USDT', 'okx:BTC/USDT', 'binance:BTC/USDT', 'simulator:SIM/USDT'] }).settings;
    const markets = statusBarMarkets(settings);
    expect(markets).toEqual([
      { exchange: 'binance', symbol: 'BTC/USDT' },
      { exchange: 'okx', symbol: 'BTC/USDT' },
      { exchange: 'simulator', symbol: 'SIM/USDT' },
    ]);
    for (const market of markets) {
      const { exchange, symbol } = splitMarketEntry(marketEntry(market, 'binance'));
      expect({ exchange: exchange ?? 'binance', symbol }).toEqual(market);
    }
    // Changing the default exchange moves plain entries only.
    expect(statusBarMarkets({ ...settings, exchange: 'kraken' })[0]).toEqual({ exchange: 'kraken', symbol: 'BTC/USDT' });
    expect(statusBarMarkets({ ...settings, exchange: 'kraken' })[1]).toEqual({ exchange: 'okx', symbol: 'BTC/USDT' });
  });

  test('a bad entry is reported naming the setting and the defaults are used', () => {
    const { settings, problems } = read({ 'statusBar.symbols': ['ETH/USDT', 'Bad Exchange:BTC/USDT'] });
    expect(problems.join('\n')).toMatch(/orderscope\.statusBar\.symbols must be a list of up to 20 symbols such as BTC\/USDT or binance:BTC\/USDT/);
    expect(settings.statusBarSymbols).toEqual(['BTC/USDT']);
  });
});
