/**
 * The market commands as a user runs them from the palette (a stand-in for VS Code's quick
 * picks and messages, a stand-in Orderscope): Add to / Remove from Status Bar offer a picker with
 * the focused chart's market first and always say what they did or why nothing; Switch Exchange
 * marks the current exchange; Switch Symbol shows watched markets' prices to their precision;
 * Add to Watchlist takes only a market the exchange lists.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

interface Item {
  label: string;
  description?: string;
  market?: { exchange: string; symbol: string };
  symbol?: string;
  id?: string;
  kind?: number;
}
/** One createQuickPick the command opened, driven by the test. */
interface FakePick {
  title: string;
  items: Item[];
  selectedItems: Item[];
  accept(item: Item): void;
  type(value: string): void;
  hide(): void;
  listening: boolean;
}
const ui = vi.hoisted(() => ({
  handlers: new Map<string, (...args: unknown[]) => unknown>(),
  picks: [] as FakePick[],
  /** Each showQuickPick call: its items and options; answered by `answer`. */
  quickPicks: [] as { items: Item[]; options: { title?: string } }[],
  answer: (_items: Item[]): Item | undefined => undefined,
  told: [] as string[],
  statusMessages: [] as string[],
  errors: [] as string[],
}));

vi.mock('vscode', () => {
  const createQuickPick = (): FakePick => {
    const on: Record<string, ((v?: unknown) => void) | undefined> = {};
    const pick = {
      title: '',
      items: [] as Item[],
      selectedItems: [] as Item[],
      placeholder: '',
      matchOnDescription: false,
      busy: false,
      get listening() {
        return on.accept !== undefined;
      },
      show() {},
      hide() {
        on.hide?.();
      },
      dispose() {},
      onDidAccept: (f: () => void) => (on.accept = f),
      onDidHide: (f: () => void) => (on.hide = f),
      onDidChangeValue: (f: (v?: unknown) => void) => (on.value = f),
      accept(item: Item) {
        pick.selectedItems = [item];
        on.accept?.();
      },
      type(value: string) {
        on.value?.(value);
      },
    };
    ui.picks.push(pick as unknown as FakePick);
    return pick as unknown as FakePick;
  };
  return {
    commands: {
      registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
        ui.handlers.set(id, fn);
        return { dispose() {} };
      },
    },
    window: {
      createQuickPick,
      showQuickPick: async (items: Item[], options: { title?: string }) => {
        ui.quickPicks.push({ items, options });
        return ui.answer(items);
      },
      showInformationMessage: async (text: string) => {
        ui.told.push(text);
      },
      showErrorMessage: async (text: string) => {
        ui.errors.push(text);
      },
      setStatusBarMessage: (text: string) => {
        ui.statusMessages.push(text);
        return { dispose() {} };
      },
      withProgress: (_options: unknown, task: () => unknown) => task(),
    },
    TreeItem: class {},
    QuickPickItemKind: { Separator: -1 },
    ProgressLocation: { Window: 10 },
  };
});

import { COMMANDS } from '../../src/extension/commands/commandIds';
import { registerCommands } from '../../src/extension/commands/registerCommands';
import { readSettings } from '../../src/extension/settings/settingsModel';

type Market = { exchange: string; symbol: string };

/** A stand-in Orderscope: settings written in memory, one focused chart, a watchlist, sessions with tickers. */
function fakeApp(options: { statusBar: string[]; focused?: Market; charts?: Market[]; watchlist?: Market[] }) {
  const stored: Record<string, unknown> = { exchange: 'binance', 'statusBar.symbols': options.statusBar };
  const writes: [string, unknown][] = [];
  const watchlist = [...(options.watchlist ?? [])];
  const sessions = new Map<string, { latestTicker: { last: number; changePercent24h: number }; facts?: { pricePrecision: number } }>();
  const app = {
    settings: {
      get settings() {
        return readSettings((key) => stored[key]).settings;
      },
      update: async (key: string, value: unknown) => {
        stored[key] = value;
        writes.push([key, value]);
      },
    },
    panels: {
      activePanel: options.focused ? { target: options.focused } : undefined,
      list: () => (options.charts ?? (options.focused ? [options.focused] : [])).map((target) => ({ target })),
    },
    watchlist: {
      list: () => watchlist,
      add: async (m: Market) => {
        watchlist.push(m);
      },
    },
    router: {
      liveSource: {
        listMarkets: async (exchange: string) => (exchange === 'binance' ? ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'DOGE/USDT'] : ['BTC/USDT']),
        streamingExchanges: async () => [
          { id: 'binance', streams: ['trades', 'book'] },
          { id: 'okx', streams: ['trades', 'book'] },
        ],
      },
    },
    registry: { find: (exchange: string, symbol: string) => sessions.get(`${exchange}:${symbol}`) },
    log: { error() {} },
    recentSymbols: () => [] as string[],
    rememberSymbol() {},
  };
  registerCommands(app as never);
  return { app, writes, watchlist, sessions, stored };
}

const run = (id: string, ...args: unknown[]) => ui.handlers.get(id)!(...args) as Promise<void>;
/** The n-th createQuickPick, once its command listens for the answer. */
async function openedPick(n = 0): Promise<FakePick> {
  await vi.waitFor(() => expect(ui.picks[n]?.listening).toBe(true));
  return ui.picks[n]!;
}
const shownItems = (pick: FakePick) => pick.items.filter((i) => i.kind === undefined);

beforeEach(() => {
  ui.handlers.clear();
  ui.picks.length = 0;
  ui.quickPicks.length = 0;
  ui.answer = () => undefined;
  ui.told.length = 0;
  ui.statusMessages.length = 0;
  ui.errors.length = 0;
});

describe('Add to Status Bar', () => {
  it("with a chart focused, offers a picker with that chart's market first, adds the one picked and says so", async () => {
    const { writes } = fakeApp({
      statusBar: ['BTC/USDT'],
      focused: { exchange: 'okx', symbol: 'ETH/USDT' },
      charts: [{ exchange: 'binance', symbol: 'BTC/USDT' }, { exchange: 'okx', symbol: 'ETH/USDT' }],
      watchlist: [{ exchange: 'binance', symbol: 'SOL/USDT' }],
    });
    const done = run(COMMANDS.addToStatusBar);
    const pick = await openedPick();
    // The focused chart first; BTC/USDT is shown already, so it is not offered.
    expect(shownItems(pick).map((i) => `${i.market!.exchange}:${i.market!.symbol}`)).toEqual(['okx:ETH/USDT', 'binance:SOL/USDT']);
    pick.accept(pick.items[0]!);
    await done;
    expect(writes).toEqual([['statusBar.symbols', ['BTC/USDT', 'okx:ETH/USDT']]]);
    expect(ui.statusMessages).toEqual(['Orderscope: added ETH/USDT on okx to the status bar.']);
    expect(ui.told).toEqual(['Orderscope: added ETH/USDT on okx to the status bar.']);
  });

  it('adds a typed exchange:symbol, offered as its own row once well-formed', async () => {
    const { writes } = fakeApp({ statusBar: ['BTC/USDT'], focused: { exchange: 'binance', symbol: 'BTC/USDT' } });
    const done = run(COMMANDS.addToStatusBar);
    const pick = await openedPick();
    expect(shownItems(pick)).toEqual([]);
    pick.type('okx:');
    expect(shownItems(pick)).toEqual([]);
    pick.type('kraken:XBT/EUR');
    expect(shownItems(pick).map((i) => i.market)).toEqual([{ exchange: 'kraken', symbol: 'XBT/EUR' }]);
    pick.accept(pick.items[0]!);
    await done;
    expect(writes).toEqual([['statusBar.symbols', ['BTC/USDT', 'kraken:XBT/EUR']]]);
  });

  it('says why nothing was added: cancelled, or already shown', async () => {
    const { writes } = fakeApp({ statusBar: ['BTC/USDT'], focused: { exchange: 'binance', symbol: 'ETH/USDT' } });
    const cancelled = run(COMMANDS.addToStatusBar);
    (await openedPick()).hide();
    await cancelled;
    expect(ui.told).toEqual(['Orderscope: nothing added to the status bar.']);
    await run(COMMANDS.addToStatusBar, { exchange: 'binance', symbol: 'BTC/USDT' });
    expect(ui.told.at(-1)).toBe('Orderscope: BTC/USDT on binance is already in the status bar.');
    expect(writes).toEqual([]);
  });
});

describe('Remove from Status Bar', () => {
  it("offers the shown markets, the focused chart's first, and says what it removed", async () => {
    const { writes } = fakeApp({ statusBar: ['BTC/USDT', 'okx:ETH/USDT'], focused: { exchange: 'okx', symbol: 'ETH/USDT' } });
    ui.answer = (items) => items[0];
    await run(COMMANDS.removeFromStatusBar);
    expect(ui.quickPicks[0]!.items.map((i) => `${i.description}:${i.label}`)).toEqual(['okx:ETH/USDT', 'binance:BTC/USDT']);
    expect(writes).toEqual([['statusBar.symbols', ['BTC/USDT']]]);
    expect(ui.told).toEqual(['Orderscope: removed ETH/USDT on okx from the status bar.']);
  });

  it('says why nothing was removed: an empty status bar, a market it does not show, a cancelled picker', async () => {
    fakeApp({ statusBar: [], focused: { exchange: 'binance', symbol: 'BTC/USDT' } });
    await run(COMMANDS.removeFromStatusBar);
    expect(ui.quickPicks).toEqual([]);
    expect(ui.told).toEqual(['Orderscope: the status bar shows no symbols.']);

    const { writes } = fakeApp({ statusBar: ['BTC/USDT'] });
    await run(COMMANDS.removeFromStatusBar, { exchange: 'okx', symbol: 'BTC/USDT' });
    expect(ui.told.at(-1)).toBe('Orderscope: BTC/USDT on okx is not in the status bar.');
    await run(COMMANDS.removeFromStatusBar);
    expect(ui.told.at(-1)).toBe('Orderscope: nothing removed from the status bar.');
    expect(writes).toEqual([]);
    expect(ui.statusMessages).toHaveLength(3);
  });
});

describe('pickers', () => {
  it('Switch Exchange marks the exchange of the focused chart as current', async () => {
    fakeApp({ statusBar: [], focused: { exchange: 'okx', symbol: 'BTC/USDT' } });
    await run(COMMANDS.switchExchange);
    const items = ui.quickPicks[0]!.items;
    expect(items.filter((i) => i.description!.startsWith('current')).map((i) => i.id)).toEqual(['okx']);
  });

  it("Switch Symbol lists watched markets first with prices to the market's precision", async () => {
    const { sessions } = fakeApp({ statusBar: ['ETH/USDT', 'okx:SOL/USDT'], focused: { exchange: 'binance', symbol: 'BTC/USDT' }, watchlist: [{ exchange: 'binance', symbol: 'DOGE/USDT' }] });
    sessions.set('binance:ETH/USDT', { latestTicker: { last: 3000.5, changePercent24h: 1.234 }, facts: { pricePrecision: 2 } });
    sessions.set('binance:DOGE/USDT', { latestTicker: { last: 0.1, changePercent24h: -2 }, facts: { pricePrecision: 5 } });
    const done = run(COMMANDS.switchSymbol);
    const pick = await openedPick();
    // okx:SOL/USDT is watched on okx, not on binance: it is not listed first here.
    expect(shownItems(pick).map((i) => [i.label, i.description])).toEqual([
      ['ETH/USDT', '3,000.50  +1.23%'],
      ['DOGE/USDT', '0.10000  -2.00%'],
      ['BTC/USDT', ''],
      ['SOL/USDT', ''],
    ]);
    pick.hide();
    await done;
  });

  it("Add to Watchlist picks among the exchange's markets (a typed unknown symbol cannot be added) and says what it added", async () => {
    const { watchlist } = fakeApp({ statusBar: [], focused: { exchange: 'binance', symbol: 'BTC/USDT' } });
    const done = run(COMMANDS.watchlistAdd);
    const pick = await openedPick();
    expect(pick.title).toBe('Add to Watchlist (binance)');
    expect(shownItems(pick).map((i) => i.symbol)).toEqual(['BTC/USDT', 'DOGE/USDT', 'ETH/USDT', 'SOL/USDT']);
    pick.accept(shownItems(pick)[3]!);
    await done;
    expect(watchlist).toEqual([{ exchange: 'binance', symbol: 'SOL/USDT' }]);
    expect(ui.told).toEqual(['Orderscope: added SOL/USDT on binance to the watchlist.']);
  });
});
