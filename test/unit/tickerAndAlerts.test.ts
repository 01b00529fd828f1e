import { describe, expect, it } from 'vitest';
import { PriceAlerts } from '../../src/extension/alerts/priceAlerts';
import { TickerFormatter, type TickerInput } from '../../src/extension/statusBar/tickerText';

const input = (over: Partial<TickerInput>): TickerInput => ({
  exchange: 'binance',
  symbol: 'BTC/USDT',
  last: 61837.63,
  changePercent24h: 1.234,
  high24h: 62000,
  low24h: 60000,
  volume24h: 12345.6,
  pricePrecision: 2,
  ageMs: 500,
  state: 'live',
  detail: '',
  ...over,
});

describe('status-bar ticker text', () => {
  it('formats to the market precision and keeps a fixed width as digits come and go', () => {
    const f = new TickerFormatter();
    const a = f.format(input({ last: 61837.6 }), 'price');
    expect(a.text).toBe('BTC/USDT 61,837.60');
    const b = f.format(input({ last: 9999.5 }), 'price');
    expect(b.text).toBe('BTC/USDT \u20079,999.50'); // padded: the text does not shrink
    expect(b.text.length).toBe(a.text.length);
  });

  it('shows direction, and never lets a stale or broken price look live', () => {
    const f = new TickerFormatter();
    expect(f.format(input({}), 'priceAndChange')).toMatchObject({ direction: 'up', text: 'BTC/USDT 61,837.63 ▲ +1.23%' });
    expect(f.format(input({ changePercent24h: -0.5 }), 'priceAndChange').direction).toBe('down');
    expect(f.format(input({ state: 'stale', ageMs: 45_000 }), 'compact').text).toBe('$(history) BTC 61,837.63');
    const broken = f.format(input({ state: 'error', detail: 'binance does not list symbol FOO/BAR' }), 'price');
    expect(broken.text).toBe('$(error) BTC/USDT');
    expect(broken.tooltip).toContain('binance does not list symbol FOO/BAR');
    expect(f.format(input({ ageMs: 45_000 }), 'price').tooltip).toContain('Updated: 45 s ago');
  });
});

describe('price alerts', () => {
  it('fires once when the price crosses the level from the side it started on', () => {
    const alerts = new PriceAlerts();
    alerts.onPrice('binance', 'BTC/USDT', 60000);
    const a = alerts.add('binance', 'BTC/USDT', 61000, 1);
    expect(typeof a).toBe('object');
    expect(alerts.onPrice('binance', 'BTC/USDT', 60900)).toEqual([]);
    expect(alerts.onPrice('binance', 'ETH/USDT', 70000)).toEqual([]);
    expect(alerts.onPrice('binance', 'BTC/USDT', 61000).map((x) => x.price)).toEqual([61000]);
    expect(alerts.onPrice('binance', 'BTC/USDT', 60000)).toEqual([]);
    expect(alerts.onPrice('binance', 'BTC/USDT', 62000)).toEqual([]); // fired once, then gone
    expect(alerts.list()).toHaveLength(0);
  });

  it('infers below from the price, refuses a level already passed, and survives persistence', () => {
    const alerts = new PriceAlerts();
    alerts.onPrice('okx', 'ETH/USDT', 3000);
    const below = alerts.add('okx', 'ETH/USDT', 2900, 2);
    expect(below).toMatchObject({ direction: 'below' });
    expect(alerts.add('okx', 'ETH/USDT', 2950, 3, 'above')).toMatch(/already above/);
    expect(alerts.add('okx', 'ETH/USDT', -1, 3)).toMatch(/positive/);
    const restored = new PriceAlerts();
    expect(restored.load(JSON.parse(JSON.stringify([...alerts.toJSON(), { bogus: true }])))).toBe(1);
    expect(restored.list()).toHaveLength(1);
    expect(restored.onPrice('okx', 'ETH/USDT', 2899)).toHaveLength(1);
  });
});
