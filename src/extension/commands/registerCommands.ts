import * as vscode from 'vscode';
import type { Layers } from '../../engine/protocol';
import { SIMULATOR_EXCHANGE, SIMULATOR_SYMBOL } from '../../feeds/simulator/simulatorFeed';
import { asMarketId, sameMarket, type MarketId } from '../../engine/marketId';
import type { Orderscope } from '../orderscope';
import { REPLAY_EXCHANGE } from '../sessions/feedRouter';
import { entryMarket, marketEntry, PANEL_INDICATORS, statusBarEntryProblem, statusBarMarkets } from '../settings/settingsModel';
import { pickExchange, pickStatusBarMarket, pickSymbol, pickTimeframe } from './pickers';
import { COMMANDS, indicatorToggleCommand, type CommandId } from './commandIds';

const LAYER_COMMANDS: readonly [CommandId, keyof Layers, string][] = [
  [COMMANDS.toggleDepth, 'depth', 'depth overlay'],
  [COMMANDS.toggleLadder, 'ladder', 'price ladder'],
  [COMMANDS.toggleTape, 'tape', 'trade tape'],
  [COMMANDS.toggleVolume, 'volume', 'volume'],
  [COMMANDS.toggleHeatmap, 'heatmap', 'liquidity heatmap'],
  [COMMANDS.toggleFootprint, 'footprint', 'footprint'],
  [COMMANDS.toggleProfile, 'profile', 'volume profile'],
];

/** The market a command argument names (a status-bar item, a watchlist row or its tree item), if any. */
function marketFromArg(arg: unknown): MarketId | undefined {
  return asMarketId(arg) ?? (arg instanceof vscode.TreeItem ? asMarketId((arg as { market?: unknown }).market) : undefined);
}

/** A market from a command argument or else the active panel's. */
function targetOf(app: Orderscope, arg: unknown): MarketId | undefined {
  return marketFromArg(arg) ?? app.panels.activePanel?.target;
}

/**
 * Says what a command did (or why it did nothing) in the status bar, where it shows even when
 * notifications are silenced, and as a notification.
 */
function tell(text: string): void {
  vscode.window.setStatusBarMessage(`Orderscope: ${text}`, 5000);
  void vscode.window.showInformationMessage(`Orderscope: ${text}`);
}

/** `markets` without repeats, in order. O(n²) over a handful of markets. */
function distinctMarkets(markets: readonly (MarketId | undefined)[]): MarketId[] {
  const out: MarketId[] = [];
  for (const m of markets) if (m !== undefined && !out.some((o) => sameMarket(o, m))) out.push(m);
  return out;
}

/** Registers every command; all are owned by the returned disposables. */
export function registerCommands(app: Orderscope): vscode.Disposable[] {
  const settings = (): ReturnType<() => typeof app.settings.settings> => app.settings.settings;
  const reg = (id: CommandId, fn: (...args: unknown[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await fn(...args);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        app.log.error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(`Orderscope: ${message}`);
      }
    });
  /** The symbols of `exchange` the status bar and the watchlist show (their sessions know prices). */
  const watchedSymbols = (exchange: string): string[] =>
    [...statusBarMarkets(settings()), ...app.watchlist.list()].filter((m) => m.exchange === exchange).map((m) => m.symbol);
  const needPanel = (): ReturnType<typeof app.panels.open> | undefined => {
    const panel = app.panels.activePanel;
    if (!panel) void vscode.window.showInformationMessage('Orderscope: open a chart first (Orderscope: Open Chart).');
    return panel;
  };

  const disposables = [
    reg(COMMANDS.showLog, () => app.log.show()),
    reg(COMMANDS.openChart, (arg) => {
      const target = asMarketId(arg) ?? { exchange: settings().exchange, symbol: settings().symbol };
      app.rememberSymbol(target.symbol);
      app.panels.open({ exchange: target.exchange, symbol: target.symbol });
    }),
    reg(COMMANDS.openDemo, () => {
      app.panels.open({ exchange: SIMULATOR_EXCHANGE, symbol: SIMULATOR_SYMBOL });
    }),
    reg(COMMANDS.switchSymbol, async () => {
      const exchange = app.panels.activePanel?.target.exchange ?? settings().exchange;
      const symbol = await pickSymbol('Switch Symbol', exchange, app.router, app.registry, app.recentSymbols(), watchedSymbols(exchange));
      if (!symbol) return;
      app.rememberSymbol(symbol);
      if (app.panels.activePanel) app.panels.switchActive({ exchange, symbol });
      else await app.settings.update('symbol', symbol);
    }),
    reg(COMMANDS.switchExchange, async () => {
      const panel = app.panels.activePanel;
      const exchange = await pickExchange(app.router, panel?.target.exchange ?? settings().exchange);
      if (!exchange) return;
      // On a chart it switches that chart, nothing else; without one it sets the default exchange
      // of new charts and of status-bar symbols written without one.
      if (!panel) {
        await app.settings.update('exchange', exchange);
        return;
      }
      // The simulator has its own symbols; leaving it, the chart takes the default symbol.
      const symbol = exchange === SIMULATOR_EXCHANGE ? SIMULATOR_SYMBOL : panel.target.exchange === SIMULATOR_EXCHANGE ? settings().symbol : panel.target.symbol;
      app.panels.switchActive({ exchange, symbol });
    }),
    reg(COMMANDS.switchTimeframe, async () => {
      const panel = app.panels.activePanel;
      const timeframe = await pickTimeframe(panel?.view.timeframe ?? settings().timeframe);
      if (!timeframe) return;
      if (panel) {
        const problem = panel.setTimeframe(timeframe);
        if (problem) throw new Error(problem);
      } else await app.settings.update('timeframe', timeframe);
    }),
    ...LAYER_COMMANDS.map(([id, layer]) =>
      reg(id, () => {
        const panel = needPanel();
        panel?.setLayer(layer, !panel.view.layers[layer]);
      }),
    ),
    reg(COMMANDS.togglePinnedFullRate, () => {
      const panel = needPanel();
      if (!panel) return;
      const pinned = panel.setPinned();
      const { fps } = panel.pace();
      void vscode.window.setStatusBarMessage(
        pinned ? `Orderscope: ${panel.target.symbol} stays at full rate (${fps} frames/s) while you work elsewhere` : `Orderscope: ${panel.target.symbol} slows down while you work elsewhere`,
        4000,
      );
    }),
    ...PANEL_INDICATORS.map((kind) =>
      reg(indicatorToggleCommand(kind), () => {
        needPanel()?.toggleIndicator(kind);
      }),
    ),
    reg(COMMANDS.addToStatusBar, async (arg) => {
      const s = settings();
      const shown = statusBarMarkets(s);
      // An explicit market (a status-bar item, a watchlist row) is added as is; from the palette
      // a picker offers the focused chart's market first, then the other charts and the
      // watchlist (those not shown yet, that the status bar can show), or a typed symbol.
      const offered = (): MarketId[] =>
        distinctMarkets([app.panels.activePanel?.target, ...app.panels.list().map((p) => p.target), ...app.watchlist.list()]).filter(
          (m) => !shown.some((w) => sameMarket(w, m)) && statusBarEntryProblem(marketEntry(m, s.exchange)) === null,
        );
      const market = marketFromArg(arg) ?? (await pickStatusBarMarket(offered(), s.exchange, app.registry));
      if (!market) {
        tell('nothing added to the status bar.');
        return;
      }
      const label = `${market.symbol} on ${market.exchange}`;
      // A replay or a malformed market would make the whole list invalid (every item would go).
      const problem = statusBarEntryProblem(marketEntry(market, s.exchange));
      if (problem !== null) throw new Error(`${label} cannot be shown in the status bar: ${problem}`);
      if (shown.some((m) => sameMarket(m, market))) {
        tell(`${label} is already in the status bar.`);
        return;
      }
      await app.settings.update('statusBar.symbols', [...s.statusBarSymbols, marketEntry(market, s.exchange)]);
      tell(`added ${label} to the status bar.`);
    }),
    reg(COMMANDS.removeFromStatusBar, async (arg) => {
      const s = settings();
      const shown = statusBarMarkets(s);
      // Only an explicit market (a status-bar item, a watchlist row): from the palette, a picker.
      const fromArg = marketFromArg(arg);
      if (fromArg && !shown.some((m) => sameMarket(m, fromArg))) {
        tell(`${fromArg.symbol} on ${fromArg.exchange} is not in the status bar.`);
        return;
      }
      if (shown.length === 0) {
        tell('the status bar shows no symbols.');
        return;
      }
      const focused = app.panels.activePanel?.target;
      const market =
        fromArg && shown.some((m) => sameMarket(m, fromArg))
          ? fromArg
          : (
              await vscode.window.showQuickPick(
                // The focused chart's market first.
                [...shown].sort((a, b) => Number(focused !== undefined && sameMarket(b, focused)) - Number(focused !== undefined && sameMarket(a, focused))).map((m) => ({ label: m.symbol, description: m.exchange, market: m })),
                { title: 'Remove from Status Bar' },
              )
            )?.market;
      if (!market) {
        tell('nothing removed from the status bar.');
        return;
      }
      const kept = s.statusBarSymbols.filter((entry) => !sameMarket(entryMarket(entry, s.exchange), market));
      await app.settings.update('statusBar.symbols', kept);
      tell(`removed ${market.symbol} on ${market.exchange} from the status bar.`);
    }),
    reg(COMMANDS.addPriceAlert, async (arg) => {
      const target = targetOf(app, arg) ?? { exchange: settings().exchange, symbol: settings().symbol };
      const last = app.registry.find(target.exchange, target.symbol)?.latestTicker?.last;
      const text = await vscode.window.showInputBox({
        title: `Add Price Alert: ${target.symbol} on ${target.exchange}`,
        prompt: `Notify when the price crosses this level${last !== undefined && Number.isFinite(last) ? ` (last ${last})` : ''}`,
        validateInput: (v) => (Number(v) > 0 ? null : 'Enter a positive price'),
      });
      if (!text) return;
      const result = await app.alerts.add(target.exchange, target.symbol, Number(text));
      if (typeof result === 'string') throw new Error(result);
      void vscode.window.showInformationMessage(`Orderscope: alert set: ${result.symbol} crosses ${result.direction} ${result.price}`);
    }),
    reg(COMMANDS.removePriceAlert, async () => {
      const alerts = app.alerts.alerts.list();
      if (alerts.length === 0) {
        void vscode.window.showInformationMessage('Orderscope: no price alerts are set.');
        return;
      }
      const picked = await vscode.window.showQuickPick(
        alerts.map((a) => ({ label: `${a.symbol} crosses ${a.direction} ${a.price}`, description: a.exchange, id: a.id })),
        { title: 'Remove Price Alert', canPickMany: true },
      );
      for (const p of picked ?? []) await app.alerts.remove(p.id);
    }),
    reg(COMMANDS.watchlistAdd, async () => {
      // The focused chart's exchange (a replay's is a file, not an exchange), else the default;
      // only a market the exchange lists can be picked.
      const focused = app.panels.activePanel?.target.exchange;
      const exchange = focused !== undefined && focused !== REPLAY_EXCHANGE ? focused : settings().exchange;
      const symbol = await pickSymbol('Add to Watchlist', exchange, app.router, app.registry, app.recentSymbols(), watchedSymbols(exchange));
      if (!symbol) return;
      const market = { exchange, symbol };
      if (app.watchlist.list().some((m) => sameMarket(m, market))) {
        tell(`${symbol} on ${exchange} is already in the watchlist.`);
        return;
      }
      await app.watchlist.add(market);
      tell(`added ${symbol} on ${exchange} to the watchlist.`);
    }),
    reg(COMMANDS.watchlistRemove, async (arg) => {
      const target = targetOf(app, arg);
      if (target) await app.watchlist.remove(target);
    }),
    reg(COMMANDS.watchlistOpenChart, (arg) => {
      const target = targetOf(app, arg);
      if (target) app.panels.open(target);
    }),
  ];
  return disposables;
}
