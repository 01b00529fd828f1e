import * as vscode from 'vscode';
import { TIMEFRAMES } from '../../engine/candles/timeframe';
import { SIMULATOR_EXCHANGE, SIMULATOR_SYMBOL } from '../../feeds/simulator/simulatorFeed';
import type { SessionRegistry } from '../../feeds/sessionRegistry';
import type { FeedRouter } from '../sessions/feedRouter';

interface SymbolItem extends vscode.QuickPickItem {
  symbol: string;
}

/**
 * Every market of `exchange` in a QuickPick, filtered as the user types; recent and watched
 * symbols first, with last price and 24h change where a session knows them.
 */
export async function pickSymbol(
  exchange: string,
  router: FeedRouter,
  registry: SessionRegistry,
  recent: readonly string[],
  watched: readonly string[],
): Promise<string | undefined> {
  const quickPick = vscode.window.createQuickPick<SymbolItem>();
  quickPick.title = `Switch Symbol (${exchange})`;
  quickPick.placeholder = 'Type to filter, e.g. ETH/USDT';
  quickPick.matchOnDescription = true;
  quickPick.busy = true;
  quickPick.show();
  try {
    const symbols = exchange === SIMULATOR_EXCHANGE ? [SIMULATOR_SYMBOL] : await router.liveSource.listMarkets(exchange);
    const listed = new Set(symbols);
    const describe = (symbol: string): string => {
      const ticker = registry.find(exchange, symbol)?.latestTicker;
      if (!ticker || !Number.isFinite(ticker.last)) return '';
      const change = Number.isFinite(ticker.changePercent24h) ? `  ${ticker.changePercent24h >= 0 ? '+' : ''}${ticker.changePercent24h.toFixed(2)}%` : '';
      return `${ticker.last}${change}`;
    };
    const items: (SymbolItem | vscode.QuickPickItem)[] = [];
    const first = [...new Set([...recent, ...watched])].filter((s) => listed.has(s));
    if (first.length > 0) {
      items.push({ label: 'Recent and watched', kind: vscode.QuickPickItemKind.Separator });
      for (const symbol of first) items.push({ label: symbol, symbol, description: describe(symbol) });
      items.push({ label: 'All markets', kind: vscode.QuickPickItemKind.Separator });
    }
    const firstSet = new Set(first);
    for (const symbol of symbols.sort()) if (!firstSet.has(symbol)) items.push({ label: symbol, symbol, description: describe(symbol) });
    quickPick.items = items as SymbolItem[];
    quickPick.busy = false;
  } catch (error) {
    quickPick.hide();
    void vscode.window.showErrorMessage(`Orderscope: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  return new Promise((resolve) => {
    quickPick.onDidAccept(() => {
      resolve(quickPick.selectedItems[0]?.symbol);
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      resolve(undefined);
      quickPick.dispose();
    });
  });
}

/** The exchanges ccxt can stream from, with what each supports; the simulator first. */
export async function pickExchange(router: FeedRouter): Promise<string | undefined> {
  const exchanges = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Orderscope: listing exchanges' },
    () => router.liveSource.streamingExchanges(),
  );
  const items = [
    { label: SIMULATOR_EXCHANGE, id: SIMULATOR_EXCHANGE, description: 'built-in simulated market, works offline' },
    ...exchanges.map((e) => ({ label: e.id, id: e.id, description: e.streams.join(' · ') })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Switch Exchange', placeHolder: 'Exchange for charts and the status bar' });
  return picked?.id;
}

export async function pickTimeframe(current: string): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(
    TIMEFRAMES.map((tf) => ({ label: tf, description: tf === current ? 'current' : '' })),
    { title: 'Switch Timeframe' },
  );
  return picked?.label;
}
