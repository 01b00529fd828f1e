import * as vscode from 'vscode';
import type { Layers } from '../../engine/protocol';
import { SIMULATOR_EXCHANGE, SIMULATOR_SYMBOL } from '../../feeds/simulator/simulatorFeed';
import type { ChartTarget } from '../panel/chartPanel';
import type { Orderscope } from '../orderscope';
import { PANEL_INDICATORS } from '../settings/settingsModel';
import { pickExchange, pickSymbol, pickTimeframe } from './pickers';
import { COMMANDS, indicatorToggleCommand, type CommandId } from './commandIds';

const LAYER_COMMANDS: readonly [CommandId, keyof Layers, string][] = [
  [COMMANDS.toggleDepth, 'depth', 'depth overlay'],
  [COMMANDS.toggleLadder, 'ladder', 'price ladder'],
  [COMMANDS.toggleTape, 'tape', 'trade tape'],
  [COMMANDS.toggleVolume, 'volume', 'volume'],
];

function isTarget(x: unknown): x is ChartTarget {
  return typeof x === 'object' && x !== null && typeof (x as ChartTarget).exchange === 'string' && typeof (x as ChartTarget).symbol === 'string';
}

/** A market from a command argument (status bar, watchlist row) or the active panel. */
function targetOf(app: Orderscope, arg: unknown): ChartTarget | undefined {
  if (isTarget(arg)) return { exchange: arg.exchange, symbol: arg.symbol };
  if (arg instanceof vscode.TreeItem && isTarget((arg as { market?: unknown }).market)) return (arg as unknown as { market: ChartTarget }).market;
  return app.panels.activePanel?.target;
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
  const needPanel = (): ReturnType<typeof app.panels.open> | undefined => {
    const panel = app.panels.activePanel;
    if (!panel) void vscode.window.showInformationMessage('Orderscope: open a chart first (Orderscope: Open Chart).');
    return panel;
  };

  const disposables = [
    reg(COMMANDS.showLog, () => app.log.show()),
    reg(COMMANDS.openChart, (arg) => {
      const target = isTarget(arg) ? arg : { exchange: settings().exchange, symbol: settings().symbol };
      app.rememberSymbol(target.symbol);
      app.panels.open({ exchange: target.exchange, symbol: target.symbol });
    }),
    reg(COMMANDS.openDemo, () => {
      app.panels.open({ exchange: SIMULATOR_EXCHANGE, symbol: SIMULATOR_SYMBOL });
    }),
    reg(COMMANDS.switchSymbol, async () => {
      const exchange = app.panels.activePanel?.target.exchange ?? settings().exchange;
      const watched = [...settings().statusBarSymbols, ...app.watchlist.list().filter((m) => m.exchange === exchange).map((m) => m.symbol)];
      const symbol = await pickSymbol(exchange, app.router, app.registry, app.recentSymbols(), watched);
      if (!symbol) return;
      app.rememberSymbol(symbol);
      if (app.panels.activePanel) app.panels.switchActive({ exchange, symbol });
      else await app.settings.update('symbol', symbol);
    }),
    reg(COMMANDS.switchExchange, async () => {
      const exchange = await pickExchange(app.router);
      if (!exchange) return;
      await app.settings.update('exchange', exchange);
      if (app.panels.activePanel) {
        const symbol = exchange === SIMULATOR_EXCHANGE ? SIMULATOR_SYMBOL : app.panels.activePanel.target.symbol;
        app.panels.switchActive({ exchange, symbol });
      }
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
    ...PANEL_INDICATORS.map((kind) =>
      reg(indicatorToggleCommand(kind), () => {
        needPanel()?.toggleIndicator(kind);
      }),
    ),
    reg(COMMANDS.addToStatusBar, async (arg) => {
      const target = targetOf(app, arg);
      const symbol = target?.symbol ?? (await vscode.window.showInputBox({ title: 'Add to Status Bar', prompt: 'Symbol, e.g. ETH/USDT', value: settings().symbol }));
      if (!symbol) return;
      const symbols = settings().statusBarSymbols;
      if (!symbols.includes(symbol)) await app.settings.update('statusBar.symbols', [...symbols, symbol]);
    }),
    reg(COMMANDS.removeFromStatusBar, async (arg) => {
      const symbols = settings().statusBarSymbols;
      const symbol = targetOf(app, arg)?.symbol ?? (await vscode.window.showQuickPick(symbols, { title: 'Remove from Status Bar' }));
      if (!symbol) return;
      await app.settings.update('statusBar.symbols', symbols.filter((s) => s !== symbol));
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
      const exchange = settings().exchange;
      const symbol = await vscode.window.showInputBox({ title: `Add to Watchlist (${exchange})`, prompt: 'Symbol, e.g. ETH/USDT' });
      if (symbol) await app.watchlist.add({ exchange, symbol });
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
