import * as vscode from 'vscode';
import { CHART_TIMEFRAMES, isClockTimeframe } from '../../engine/candles/timeframe';
import type { MarketId } from '../../engine/marketId';
import { SIMULATOR_EXCHANGE, SIMULATOR_SYMBOL } from '../../feeds/simulator/simulatorFeed';
import type { SessionRegistry } from '../../feeds/sessionRegistry';
import type { FeedRouter } from '../sessions/feedRouter';
import { entryMarket, statusBarEntryProblem } from '../settings/settingsModel';
import { formatPrice } from '../statusBar/tickerText';

interface SymbolItem extends vscode.QuickPickItem {
  symbol: string;
}

/**
 * The last price and 24h change of a market a session knows (a chart, a status-bar ticker, a
 * watchlist row), the price to the market's precision once its facts are known; '' when none.
 */
export function tickerDescription(registry: SessionRegistry, exchange: string, symbol: string): string {
  const session = registry.find(exchange, symbol);
  const ticker = session?.latestTicker;
  if (!ticker || !Number.isFinite(ticker.last)) return '';
  const precision = session?.facts?.pricePrecision;
  const last = precision === undefined ? String(ticker.last) : formatPrice(ticker.last, precision);
  const change = Number.isFinite(ticker.changePercent24h) ? `  ${ticker.changePercent24h >= 0 ? '+' : ''}${ticker.changePercent24h.toFixed(2)}%` : '';
  return `${last}${change}`;
}

/**
 * Every market of `exchange` in a QuickPick, filtered as the user types; recent and watched
 * symbols first, with last price and 24h change where a session knows them. Only a listed
 * market can be picked, so what it returns is one the exchange has.
 */
export async function pickSymbol(
  title: string,
  exchange: string,
  router: FeedRouter,
  registry: SessionRegistry,
  recent: readonly string[],
  watched: readonly string[],
): Promise<string | undefined> {
  const quickPick = vscode.window.createQuickPick<SymbolItem>();
  quickPick.title = `${title} (${exchange})`;
  quickPick.placeholder = 'Type to filter, e.g. ETH/USDT';
  quickPick.matchOnDescription = true;
  quickPick.busy = true;
  quickPick.show();
  try {
    const symbols = exchange === SIMULATOR_EXCHANGE ? [SIMULATOR_SYMBOL] : await router.liveSource.listMarkets(exchange);
    const listed = new Set(symbols);
    const describe = (symbol: string): string => tickerDescription(registry, exchange, symbol);
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

interface MarketItem extends vscode.QuickPickItem {
  market: MarketId;
}

/**
 * A market to add to the status bar: `offered` in order (the focused chart's first), or what the
 * user types, `SYMBOL` (on `defaultExchange`) or `exchange:SYMBOL`, offered as its own row once
 * it is well-formed. Resolves undefined when the user cancels.
 */
export function pickStatusBarMarket(offered: readonly MarketId[], defaultExchange: string, registry: SessionRegistry): Promise<MarketId | undefined> {
  const quickPick = vscode.window.createQuickPick<MarketItem>();
  quickPick.title = 'Add to Status Bar';
  quickPick.placeholder = `Pick a market, or type a symbol on ${defaultExchange} (ETH/USDT) or exchange:symbol (okx:ETH/USDT)`;
  quickPick.matchOnDescription = true;
  const listed: MarketItem[] = offered.map((market) => ({
    label: market.symbol,
    description: [market.exchange, tickerDescription(registry, market.exchange, market.symbol)].filter((part) => part !== '').join('  ·  '),
    market,
  }));
  quickPick.items = listed;
  quickPick.onDidChangeValue((value) => {
    const text = value.trim();
    const typed = text !== '' && statusBarEntryProblem(text) === null ? entryMarket(text, defaultExchange) : undefined;
    const isListed = typed !== undefined && listed.some((item) => item.market.exchange === typed.exchange && item.market.symbol === typed.symbol);
    quickPick.items = typed === undefined || isListed ? listed : [{ label: typed.symbol, description: `${typed.exchange}  ·  as typed`, alwaysShow: true, market: typed }, ...listed];
  });
  quickPick.show();
  return new Promise((resolve) => {
    quickPick.onDidAccept(() => {
      resolve(quickPick.selectedItems[0]?.market);
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      resolve(undefined);
      quickPick.dispose();
    });
  });
}

/** The exchanges ccxt can stream from, with what each supports; the simulator first, `current` marked. */
export async function pickExchange(router: FeedRouter, current: string): Promise<string | undefined> {
  const exchanges = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Orderscope: listing exchanges' },
    () => router.liveSource.streamingExchanges(),
  );
  const items = [
    { label: SIMULATOR_EXCHANGE, id: SIMULATOR_EXCHANGE, description: 'built-in simulated market, works offline' },
    ...exchanges.map((e) => ({ label: e.id, id: e.id, description: e.streams.join(' · ') })),
  ].map((item) => (item.id === current ? { ...item, description: `current · ${item.description}` } : item));
  const picked = await vscode.window.showQuickPick(items, { title: 'Switch Exchange', placeHolder: 'Exchange for charts and the status bar' });
  return picked?.id;
}

export async function pickTimeframe(current: string): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(
    CHART_TIMEFRAMES.map((tf) => ({ label: tf, description: [tf === current ? 'current' : '', activityLabel(tf)].filter(Boolean).join(' · ') })),
    { title: 'Switch Timeframe' },
  );
  return picked?.label;
}

/** "100 trades", "10 volume": what an activity timeframe means; '' for a clock one. */
function activityLabel(tf: (typeof CHART_TIMEFRAMES)[number]): string {
  if (isClockTimeframe(tf)) return '';
  return `bars of ${tf.slice(0, -1)} ${tf.endsWith('t') ? 'trades' : 'volume (base units)'}, from live trades`;
}
