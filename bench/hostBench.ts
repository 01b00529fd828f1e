/**
 * Figures of the extension host, measured in a real VS Code (code-server 4.139.1, the packaged
 * .vsix as the extension under development, see test/e2e/inHostTests.ts):
 * - activationMs: what Orderscope's `activate()` measured and returned (the composition root,
 *   settings, status bar, commands; ccxt is not loaded there). Goal ≤ 50 ms.
 * - hostHeapMB: the extension host's `process.memoryUsage().heapUsed` after a full GC (median of
 *   9 samples over 2 s) with one chart and five status-bar tickers live. The chart is BTC/USDT on "binance"
 *   served by the local fake exchange (real capture, full-depth book, ccxt loaded); the five
 *   tickers are on the built-in simulator, because the fake exchange has live data for one
 *   market only: each simulator ticker runs a whole simulated market (book, trades, candles),
 *   more than a ccxt ticker costs, so the figure is on the high side. The heap is the whole
 *   host's, built-in extensions included.
 * It also prints the bundle's load time and the heap before the chart opened.
 */
import { join } from 'node:path';
import { FakeExchange } from '../test/fakeExchange/FakeExchange';
import { hasSharedData, sharedDataPath } from '../test/support/sharedData';
import { startInHostRunner } from '../test/e2e/inHostTests';
import { packagedExtension, REPO_ROOT } from '../test/e2e/packagedExtension';
import { waitForPanel } from '../test/e2e/panelProbe';
import { shownTicker } from '../test/e2e/statusBarTicker';

const CAPTURES = ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz'];
// The simulator lists only SIM/… symbols (it never passes for a real market).
const TICKER_SYMBOLS = ['SIM/USDT', 'SIM/EUR', 'SIM/BTC', 'SIM/ETH', 'SIM/JPY'];
const CHART = { exchange: 'binance', symbol: 'BTC/USDT' };
const ACTIVATION_GOAL_MS = 50;
const HEAP_SAMPLES = 9;

export interface HostFigures {
  activationMs: number;
  hostHeapMB: number;
}

interface InHostFigures extends HostFigures {
  codeLoadMs: number;
  activeAtStart: boolean;
  heapAtStartMB: number;
  heapBeforeChartMB: number;
  rssMB: number;
}

/** Measures in code-server; prints what it measured; rejects when a step fails. */
export async function runHostBench(): Promise<HostFigures> {
  if (!hasSharedData(...CAPTURES)) throw new Error('the host bench needs the shared Binance captures');
  const ex = await FakeExchange.start({ okx: false, binance: { captures: CAPTURES.map(sharedDataPath), preplayMs: 4 * 60_000 } });
  try {
    const runner = await startInHostRunner({
      name: 'host-bench',
      vsixPath: await packagedExtension(),
      userSettings: {
        'orderscope.exchange': 'simulator',
        'orderscope.statusBar.symbols': TICKER_SYMBOLS,
        'orderscope.network.endpoints': { binance: ex.ccxtConfig('binance') },
      },
    });
    try {
      const result = await runner.run(join(REPO_ROOT, 'test', 'e2e', 'inHost', 'hostBenchSuite.ts'), {
        timeoutMs: 180_000,
        params: { chart: CHART, samples: HEAP_SAMPLES },
        whileRunning: async (workbench, signal) => {
          const deadline = Date.now() + 120_000;
          const tickersLive = async (): Promise<boolean> => {
            const shown = await Promise.all(TICKER_SYMBOLS.map((symbol) => shownTicker(workbench, 'simulator', symbol)));
            return shown.every((ticker) => ticker?.state === 'live' && ticker.priceText !== null);
          };
          while (!(await tickersLive())) {
            if (Date.now() > deadline) throw new Error(`the ${TICKER_SYMBOLS.length} status-bar tickers were not all live within 120 s`);
            await workbench.page.waitForTimeout(200);
          }
          await waitForPanel(workbench, `${CHART.symbol} live with candles`, (s) => s.market?.symbol === CHART.symbol && s.candles.count > 0 && s.book.valid && s.badge.className.includes('state-live'), Math.max(1_000, deadline - Date.now()));
          signal('live');
        },
      });
      const line = result.log.find((each) => each.includes('[in-host] host-bench '));
      if (result.exitCode !== 0 || line === undefined) throw new Error(`the in-host bench failed (exit ${result.exitCode}):\n${result.log.join('\n')}`);
      const figures = JSON.parse(line.slice(line.indexOf('{'))) as InHostFigures;
      const pass = figures.activationMs <= ACTIVATION_GOAL_MS;
      console.log(`  activate(): ${figures.activationMs.toFixed(1)} ms (goal ≤ ${ACTIVATION_GOAL_MS} ms) ${pass ? 'ok' : 'OVER GOAL'}; bundle load ${figures.codeLoadMs.toFixed(1)} ms`);
      console.log(
        `  extension host heap: ${figures.hostHeapMB.toFixed(1)} MB with one ${CHART.symbol} chart (${CHART.exchange} via the fake exchange) and ${TICKER_SYMBOLS.length} simulator tickers live ` +
          `(${figures.heapBeforeChartMB.toFixed(1)} MB with the tickers before the chart; ${figures.heapAtStartMB.toFixed(1)} MB before the suite activated Orderscope${figures.activeAtStart ? ', already active then' : ''}; rss ${figures.rssMB.toFixed(0)} MB)`,
      );
      return { activationMs: figures.activationMs, hostHeapMB: figures.hostHeapMB };
    } finally {
      await runner.stop();
    }
  } finally {
    await ex.stop();
  }
}
