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
  disposed: boolean;
}
const items = vi.hoisted(() => [] as FakeItem[]);
vi.mock('vscode', () => ({
  window: {
    createStatusBarItem: (id: string, _alignment: number, priority: number) => {
      const item = { id, priority, text: '', disposed: false, show() {}, hide() {}, dispose() { item.disposed = true; } };
      items.push(item as FakeItem);
      return item;
    },
  },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ThemeColor: class {
    constructor(readonly id: string) {}
  },
}));

import { readSettings } from '../../src/extension/settings/settingsModel';
import { TickerBar } from '../../src/extension/statusBar/tickerBar';
import { SessionRegistry } from '../../src/feeds/sessionRegistry';
import { ScriptedFeed } from '../support/scriptedFeed';

const settingsWith = (symbols: string[]) => readSettings((key) => ({ exchange: 'binance', 'statusBar.symbols': symbols })[key]).settings;
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
    const bar = new TickerBar(registry, settingsWith(['BTC/USDT', 'ETH/USDT']));
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

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
}
