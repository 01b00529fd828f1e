/**
 * The status-bar tickers across settings changes, against a recording stand-in for VS Code's
 * status bar and real market sessions: markets that stay keep their item and their session (no
 * flicker, no reconnect); a market added between two gets a place between them; only a reorder
 * re-creates items, and still keeps every session; a removed market's session closes.
 */
import { describe, expect, it, vi } from 'vitest';

interface FakeItem {
  id: string;
  priority: number;
  text: string;
  /** Texts written, in order (each write is a message to the window in VS Code). */
  texts: string[];
  disposed: boolean;
}
const items = vi.hoisted(() => [] as FakeItem[]);
vi.mock('vscode', () => ({
  window: {
    createStatusBarItem: (id: string, _alignment: number, priority: number) => {
      const texts: string[] = [];
      const item = {
        id,
        priority,
        texts,
        get text() {
          return texts.at(-1) ?? '';
        },
        set text(value: string) {
          texts.push(value);
        },
        disposed: false,
        show() {},
        hide() {},
        dispose() {
          item.disposed = true;
        },
      };
      items.push(item as FakeItem);
      return item;
    },
  },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ThemeColor: class {
    constructor(readonly id: string) {}
  },
}));

import { Pulse } from '../../src/extension/pulse';
import { readSettings } from '../../src/extension/settings/settingsModel';
import { TickerBar } from '../../src/extension/statusBar/tickerBar';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { fakeFocus } from '../support/chartPanelHarness';
import { ManualClock } from '../support/manualClock';
import { ScriptedFeed } from '../support/scriptedFeed';

const settingsWith = (symbols: string[], more: Record<string, unknown> = {}) =>
  readSettings((key) => ({ exchange: 'binance', 'statusBar.symbols': symbols, ...more })[key]).settings;

const shown = () => items.filter((i) => !i.disposed).sort((a, b) => b.priority - a.priority).map((i) => i.id.replace('orderscope.ticker.binance.', ''));

describe('status-bar tickers across settings changes', () => {
  it('keep their items and sessions; place a new market between its neighbours; re-create only on a reorder', async () => {
    const feeds: ScriptedFeed[] = [];
    const registry = new SessionRegistry({
      createFeed: (key, demand) => {
        const feed = new ScriptedFeed(key, demand);
        feeds.push(feed);
        return feed;
      },
    });
    const bar = new TickerBar(registry, settingsWith(['BTC/USDT', 'ETH/USDT']), new Pulse(() => {}), fakeFocus());
    expect(shown()).toEqual(['BTC/USDT', 'ETH/USDT']);
    const [btc, eth] = items;
    const btcSession = registry.find('binance', 'BTC/USDT')!;

    bar.applySettings(settingsWith(['BTC/USDT', 'SOL/USDT', 'ETH/USDT']));
    expect(shown()).toEqual(['BTC/USDT', 'SOL/USDT', 'ETH/USDT']);
    expect([btc!.disposed, eth!.disposed]).toEqual([false, false]);
    expect(registry.find('binance', 'BTC/USDT')).toBe(btcSession);

    bar.applySettings(settingsWith(['ETH/USDT', 'BTC/USDT', 'SOL/USDT']));
    expect(shown()).toEqual(['ETH/USDT', 'BTC/USDT', 'SOL/USDT']);
    // A reorder re-creates the items (VS Code fixes an item's place at creation), not the sessions.
    expect(registry.find('binance', 'BTC/USDT')).toBe(btcSession);
    await until(() => feeds.length === 3);
    expect(feeds.length).toBe(3);

    bar.applySettings(settingsWith(['SOL/USDT']));
    expect(shown()).toEqual(['SOL/USDT']);
    expect(registry.find('binance', 'BTC/USDT')).toBeUndefined();
    bar.dispose();
    expect(shown()).toEqual([]);
    await registry.whenClosed();
    expect(feeds.every((feed) => feed.closed)).toBe(true);
  });
});

describe('status-bar tickers follow attention', () => {
  /** One BTC/USDT item on a scripted feed; `tick(price)` sends a ticker. */
  async function oneTicker(more: Record<string, unknown>, focused: boolean) {
    items.length = 0;
    let feed: ScriptedFeed | undefined;
    const registry = new SessionRegistry({
      createFeed: (key, demand) => (feed = new ScriptedFeed(key, demand)),
    });
    const clock = new ManualClock();
    clock.t = 1_000_000;
    const focus = fakeFocus(focused);
    const bar = new TickerBar(registry, settingsWith(['BTC/USDT'], more), new Pulse((e) => { throw e; }, clock), focus);
    await until(() => feed?.sink !== undefined);
    feed!.sink!.status({ state: 'live', detail: '', value: 0 });
    const item = items[0]!;
    const tick = (last: number) =>
      feed!.sink!.ticker({ symbol: 'BTC/USDT', last, open24h: 100, high24h: 200, low24h: 50, volume24h: 1, changePercent24h: 0, time: clock.t });
    const prices = () => item.texts.filter((t) => /\d/.test(t));
    return { bar, clock, focus, tick, item, prices, registry };
  }

  it('coalesce a burst of tickers into one write a quarter second while the window is focused', async () => {
    const { clock, tick, prices, bar, registry } = await oneTicker({}, true);
    for (let k = 0; k < 10; k++) tick(100 + k); // ten tickers within one beat
    expect(prices()).toEqual([]); // nothing written before the beat
    clock.advance(250);
    expect(prices()).toHaveLength(1);
    expect(prices()[0]).toContain('109'); // the newest price, not an intermediate one
    clock.advance(500); // nothing new: nothing written (ages only touch the tooltip)
    expect(prices()).toHaveLength(1);
    bar.dispose();
    await registry.dispose();
  });

  it('change at most once a second while the window is not focused, and four times a second again on focus', async () => {
    const { clock, tick, prices, focus, bar, registry } = await oneTicker({}, false);
    for (let ms = 0; ms < 5000; ms += 50) {
      tick(100 + ms / 50); // twenty tickers a second
      clock.advance(50);
    }
    expect(prices().length).toBeGreaterThanOrEqual(4);
    expect(prices().length).toBeLessThanOrEqual(5);
    focus.set(true);
    const before = prices().length;
    for (let ms = 0; ms < 1000; ms += 50) {
      tick(500 + ms / 50);
      clock.advance(50);
    }
    expect(prices().length - before).toBeGreaterThanOrEqual(4);
    expect(prices().length - before).toBeLessThanOrEqual(5);
    bar.dispose();
    await registry.dispose();
  });

  it('write every ticker at once with power saving off (the behaviour before it)', async () => {
    const { tick, prices, bar, registry } = await oneTicker({ 'chart.powerSaving': false }, false);
    for (let k = 0; k < 10; k++) tick(100 + k);
    expect(prices()).toHaveLength(10);
    bar.dispose();
    await registry.dispose();
  });
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
}
